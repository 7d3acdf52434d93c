/**
 * The one HTTP client both sides of every comparison use (API and direct InfluxDB): Node's http
 * with a keep-alive agent, reading the whole answer, timing from send to last byte.
 */
import { Agent, request } from 'node:http';

export interface HttpRequest {
  method: string;
  /** Path and query string. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  bytes: number;
  ms: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body, only when asked for (most timed requests just count bytes). */
  text?: string;
}

export class HttpTarget {
  readonly agent: Agent;

  constructor(
    readonly baseUrl: string,
    maxSockets = 64,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  send(req: HttpRequest, options: { keepText?: boolean; timeoutMs?: number } = {}): Promise<HttpAnswer> {
    const url = new URL(req.path, this.baseUrl);
    const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    if (body) headers['content-length'] = String(body.length);
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const r = request(url, { method: req.method, headers, agent: this.agent, timeout: options.timeoutMs ?? 600_000 }, (res) => {
        let bytes = 0;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (options.keepText) chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
            headers: res.headers,
            text: options.keepText ? Buffer.concat(chunks).toString('utf8') : undefined,
          }),
        );
        res.on('error', reject);
      });
      r.on('timeout', () => r.destroy(new Error(`no answer from ${url.origin} within ${options.timeoutMs ?? 600_000} ms`)));
      r.on('error', reject);
      r.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
