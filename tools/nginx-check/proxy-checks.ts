/**
 * /api through nginx: the same answers as from the API directly (health, the seed's POST with and
 * without credentials, an Authorization header); with the stub API also the forwarded headers and
 * body, and a large CSV streamed to a slow client rather than buffered.
 */
import { request as httpRequest } from 'node:http';

import type { Checklist } from '../lib/checklist';
import { expect } from './expect';
import { header, req } from './http';
import { stubState } from './stub-api';

export interface ProxyTarget {
  /** nginx's base URL and the API's. */
  web: string;
  api: string;
  username: string;
  password: string;
  /** The stub API answers; its extra endpoints are checked too. */
  usingStubApi: boolean;
}

export async function proxyChecks(checks: Checklist, { web, api, username, password, usingStubApi }: ProxyTarget): Promise<void> {
  await checks.check('GET /api/health is proxied to the API (200)', async () => {
    const direct = await req(api, '/api/health');
    const r = await req(web, '/api/health');
    expect(r.status === 200, `status ${r.status} through nginx (direct: ${direct.status})`);
    expect(header(r, 'content-type') === header(direct, 'content-type'), `content-type "${header(r, 'content-type')}" vs direct "${header(direct, 'content-type')}"`);
    expect(
      !header(r, 'content-security-policy') || header(r, 'content-security-policy') === header(direct, 'content-security-policy'),
      'nginx added its own CSP to an API response',
    );
  });

  // The seed's curl example: POST, X-USERNAME/X-PASSWORD, JSON body without Content-Type.
  const body = JSON.stringify({ agg: 'pod-by-namespace', timeBeginInterval: '2017-12-01', timeEndInterval: '2017-12-31' });
  const cases: [string, Record<string, string>][] = [
    ['the right credentials', { 'x-username': username, 'x-password': password }],
    ['a wrong password', { 'x-username': username, 'x-password': `${password}-wrong` }],
    ['no credentials', {}],
  ];
  for (const [what, headers] of cases) {
    await checks.check(`POST /api/cpu/usage_rate with ${what} gets the same answer through nginx as directly`, async () => {
      const direct = await req(api, '/api/cpu/usage_rate', { method: 'POST', headers, body });
      const r = await req(web, '/api/cpu/usage_rate', { method: 'POST', headers, body });
      expect(r.status === direct.status, `status ${r.status} through nginx, ${direct.status} directly`);
      if (r.status < 500) {
        expect(r.body.toString() === direct.body.toString() || r.status === 200, `body differs: ${r.body.toString().slice(0, 200)} vs ${direct.body.toString().slice(0, 200)}`);
      }
      if (what === 'the right credentials' && !usingStubApi) {
        expect(r.status !== 401, `the API rejected the credentials (pass --username/--password or API_USERNAME/API_PASSWORD)`);
      }
    });
  }

  await checks.check('an Authorization header reaches the API unchanged', async () => {
    const headers = { authorization: 'Bearer not-a-real-token' };
    const direct = await req(api, '/api/auth/me', { headers });
    const r = await req(web, '/api/auth/me', { headers });
    expect(r.status === direct.status, `status ${r.status} through nginx, ${direct.status} directly`);
  });

  if (usingStubApi) {
    await checks.check('stub API sees the forwarded headers and body exactly', async () => {
      const r = await req(web, '/api/echo', {
        method: 'POST',
        headers: { 'x-username': 'u', 'x-password': 'p w', authorization: 'Bearer abc.def', 'x-forwarded-proto': 'https' },
        body,
      });
      const echo = JSON.parse(r.body.toString()) as { headers: Record<string, string>; body: string };
      expect(echo.headers['x-username'] === 'u' && echo.headers['x-password'] === 'p w', 'X-USERNAME/X-PASSWORD not forwarded');
      expect(echo.headers['authorization'] === 'Bearer abc.def', 'Authorization not forwarded');
      expect(echo.headers['x-forwarded-proto'] === 'https', 'X-Forwarded-Proto from the ingress not kept');
      expect(echo.headers['x-forwarded-for'] === '127.0.0.1', `X-Forwarded-For ${echo.headers['x-forwarded-for']}`);
      expect(echo.body === body, 'request body changed');
    });

    await checks.check('a large CSV download is streamed, not buffered by nginx', async () => {
      // A slow client: read the first bytes, then stop reading. Streaming, the API is held
      // back by TCP back-pressure and cannot finish; buffering, nginx would have drained
      // the whole 64 MiB from the API into memory/temp files meanwhile.
      const { total, finishedWhilePaused } = await new Promise<{ total: number; finishedWhilePaused: boolean }>((done, fail) => {
        const r = httpRequest(new URL('/api/big.csv', web), { headers: { connection: 'close' } }, (res) => {
          let total = 0;
          let paused = false;
          let finishedWhilePaused = false;
          res.on('data', (c: Buffer) => {
            total += c.length;
            if (!paused) {
              paused = true;
              res.pause();
              setTimeout(() => {
                finishedWhilePaused = stubState.bigFinished;
                res.resume();
              }, 1500);
            }
          });
          res.on('end', () => done({ total, finishedWhilePaused }));
          res.on('error', fail);
        });
        r.on('error', fail);
        r.end();
      });
      expect(total === 64 * 1024 * 1024, `received ${total} bytes of ${64 * 1024 * 1024}`);
      expect(!finishedWhilePaused, 'the API finished sending while the client was not reading: nginx buffered the response');
    });
  }
}
