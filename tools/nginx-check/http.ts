/** A plain HTTP client for the checks: one request per connection, timings of the first and last byte. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface Res {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** ms from request start to first body byte, and to the end */
  firstByteMs: number;
  totalMs: number;
}

export function req(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Res> {
  const url = new URL(path, base);
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const r = httpRequest(url, { method: options.method ?? 'GET', headers: { connection: 'close', ...(options.headers ?? {}) }, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      let firstByteMs = -1;
      res.on('data', (c: Buffer) => {
        if (firstByteMs < 0) firstByteMs = Date.now() - started;
        chunks.push(c);
      });
      res.on('end', () =>
        resolvePromise({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          firstByteMs,
          totalMs: Date.now() - started,
        }),
      );
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`timeout on ${options.method ?? 'GET'} ${path}`)));
    r.on('error', reject);
    if (options.body !== undefined) r.write(options.body);
    r.end();
  });
}

export function header(res: Res, name: string): string {
  const v = res.headers[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}
