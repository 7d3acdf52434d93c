/**
 * A small stand-in for the API on loopback: checks the seed's X-USERNAME/X-PASSWORD,
 * echoes the headers it received, and streams a large CSV slowly (to see that nginx
 * passes it on without buffering).
 */
import { createServer, type Server } from 'node:http';

/** Whether the stub has finished writing the last /api/big.csv (the streaming check looks). */
export const stubState = { bigFinished: false };

export function startStubApi(username: string, password: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      if (url === '/api/health') return json(200, { status: 'ok' });
      if (url === '/api/echo') {
        return json(200, { method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      }
      if (url === '/api/big.csv') {
        // 64 MiB as fast as the reader takes it, honouring back-pressure.
        res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
        stubState.bigFinished = false;
        const slice = Buffer.from(`ns-x,${'1'.repeat(1018)}\n`.repeat(1024));
        let i = 0;
        const pump = () => {
          while (i < 64) {
            i++;
            if (!res.write(slice)) return void res.once('drain', pump);
          }
          res.end(() => (stubState.bigFinished = true));
        };
        pump();
        return;
      }
      if (url.startsWith('/api/')) {
        if (req.method !== 'POST') {
          res.setHeader('allow', 'POST');
          return json(405, { code: 405, message: 'Method not allowed' });
        }
        const u = req.headers['x-username'];
        const p = req.headers['x-password'];
        if (u === undefined || p === undefined) return json(401, { code: 401, message: 'You are not authorized' });
        if (u !== username || p !== password) return json(401, { code: 401, message: 'Username and password is not recognized' });
        return json(200, { code: 200, message: 'Query returns empty set' });
      }
      json(404, { code: 404, message: 'not found' });
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      if (!a || typeof a !== 'object') return reject(new Error('stub API has no address'));
      resolvePromise({ server, url: `http://127.0.0.1:${a.port}` });
    });
  });
}
