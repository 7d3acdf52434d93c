import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

import { Registry } from 'prom-client';

/**
 * `GET /metrics` on a port of its own. The API port is what the ingress exposes; request counts,
 * routes and process figures are for the cluster's Prometheus, which reaches pods on this port.
 */
export class MetricsListener {
  private server: Server | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Starts listening (no-op for port 0); resolves with the port bound. */
  async start(): Promise<number | undefined> {
    if (this.port === 0 || this.server) return this.address();
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'GET' || path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ code: 404, message: 'Only GET /metrics is served here' }));
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType, 'cache-control': 'no-store' }).end(text),
        () => res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ code: 500, message: 'Internal server error' })),
      );
    });
    // A scrape is quick: nothing may hold this listener (or the shutdown) for long.
    server.requestTimeout = 5000;
    server.headersTimeout = 5000;
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return this.address();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private address(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }
}
