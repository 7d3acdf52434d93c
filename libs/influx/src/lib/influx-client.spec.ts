import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

import { InfluxClient } from './influx-client';
import { InfluxTimeoutError, InfluxUnreachableError } from './influx-errors';

const QUERY = { text: 'SELECT "value" FROM "cpu/usage_rate"', params: {} };

/** A stand-in for InfluxDB on a loopback port whose behaviour each test chooses. */
async function fakeInflux(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function drain(it: AsyncGenerator<unknown>): Promise<void> {
  for await (const piece of it) void piece;
}

describe('InfluxClient timeouts and failures', () => {
  it('should answer a timeout when InfluxDB accepts the call but never answers', async () => {
    const influx = await fakeInflux(() => undefined);
    const client = new InfluxClient({ url: influx.url, database: 'k8s', timeoutMs: 300 });
    try {
      await expect(client.query(QUERY)).rejects.toBeInstanceOf(InfluxTimeoutError);
      await expect(drain(client.stream(QUERY))).rejects.toBeInstanceOf(InfluxTimeoutError);
      expect(await client.ping()).toBe(false);
    } finally {
      client.close();
      await influx.close();
    }
  });

  it('should time out a call that waits for a pooled connection, not only one that holds a socket', async () => {
    // Every connection of the pool (64) is held by an answer that trickles forever: its socket is never idle.
    const influx = await fakeInflux((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"results":[');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const client = new InfluxClient({ url: influx.url, database: 'k8s', timeoutMs: 400 });
    const busy = Array.from({ length: 64 }, () => drain(client.stream(QUERY)).catch((e: unknown) => e));
    try {
      // The 65th call can only queue for a connection; it must still end, as a timeout.
      await expect(client.query(QUERY)).rejects.toBeInstanceOf(InfluxTimeoutError);
    } finally {
      client.close();
      await influx.close();
      await Promise.all(busy);
    }
  });

  it('should report an unreachable InfluxDB as unreachable, and a stream cut short as a lost connection', async () => {
    const gone = await fakeInflux(() => undefined);
    const url = gone.url;
    await gone.close();
    const client = new InfluxClient({ url, database: 'k8s', timeoutMs: 2000 });
    await expect(client.query(QUERY)).rejects.toBeInstanceOf(InfluxUnreachableError);
    client.close();

    const cut = await fakeInflux((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1,2]]}]}]}\n{"results":[{"stat');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const streaming = new InfluxClient({ url: cut.url, database: 'k8s', timeoutMs: 2000 });
    try {
      await expect(drain(streaming.stream(QUERY))).rejects.toBeInstanceOf(InfluxUnreachableError);
    } finally {
      streaming.close();
      await cut.close();
    }
  });
});
