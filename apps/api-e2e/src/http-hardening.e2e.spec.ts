/**
 * What the built API tells and keeps, seen from the outside: query strings stay out of the logs,
 * metrics are not on the API port, readiness names what is down but not where it lives, every /api
 * answer is `no-store` with the security headers (router errors too), /web gets the nginx image's
 * script policy, `Vary` keeps CORS's `Origin`, and weak credentials are refused.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { getFreePort } from '@kube-monitoring/testing';

import { ROOT, startApi } from './support/api-process';
import { e2eEnv, serviceHeaders } from './support/e2e-env';
import { login, OwnApi, send, startOwnApi, VIEWER } from './support/resilience';

const JWT_SECRET = 'resilience-suite-jwt-secret-0123456789abcdef';
const CORS_ORIGIN = 'https://billing.example.org';
/** Angular's stylesheet loader, the one inline script of the built index.html. */
const INDEX_HTML = `<!doctype html><html><head><base href="/web/"><link rel="stylesheet" href="styles-ABCD1234.css" media="print" onload="this.media='all'"></head><body><km-root></km-root><script src="main-ABCD1234.js" type="module"></script></body></html>`;

function hs256(payload: object): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${unsigned}.${createHmac('sha256', JWT_SECRET).update(unsigned).digest('base64url')}`;
}

/** `directive -> sources` of a Content-Security-Policy, order-insensitive. */
function cspDirectives(policy: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of policy
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, ...sources] = part.split(/\s+/);
    out[name as string] = sources.sort();
  }
  return out;
}

async function eventually(what: string, probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('HTTP hardening of the built API', () => {
  let api: OwnApi;
  let webDir: string;

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'km-web-'));
    writeFileSync(join(webDir, 'index.html'), INDEX_HTML);
    writeFileSync(join(webDir, 'main-ABCD1234.js'), 'console.log("app");');
    api = await startOwnApi(Number(process.env['E2E_INFLUX_PORT']), { CORS_ORIGINS: CORS_ORIGIN, WEB_DIR: webDir });
  });
  afterAll(async () => {
    await api?.stop();
  });

  describe('query strings', () => {
    it('should log the path of a request, never its query string', async () => {
      const token = await login(api.url, VIEWER);
      const query = `?access_token=${token}&password=${encodeURIComponent(VIEWER.password)}`;
      expect((await send(api.url, { method: 'GET', path: `/api/auth/me${query}` }, 5000)).status).toBe(401);
      // The framework's own 404 quotes the URL in its message.
      expect((await send(api.url, { method: 'GET', path: `/no-such-page${query}` }, 5000)).status).toBe(404);
      expect((await send(api.url, { method: 'GET', path: `/api/cpu/usage_rate${query}` }, 5000)).status).toBe(405);
      expect((await send(api.url, { method: 'POST', path: `/api/cpu/usage_rate${query}`, body: '{}' }, 5000)).status).toBe(401);
      const info = () => readFileSync(join(api.logDir, 'info.log'), 'utf8');
      await eventually('the 404 in info.log', () => info().includes('"url":"/no-such-page"'));
      for (const log of [info(), api.fullOutput()]) {
        expect(log).toContain('"url":"/api/auth/me"');
        expect(log).not.toContain(token);
        expect(log).not.toContain('access_token');
        expect(log).not.toContain(VIEWER.password);
      }
    });
  });

  describe('metrics', () => {
    it('should not serve /metrics on the API port, only on METRICS_PORT', async () => {
      expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
      const r = await fetch(`${api.metricsUrl}/metrics`);
      expect(r.status).toBe(200);
      expect(await r.text()).toMatch(/^kube_monitoring_http_requests_total\{/m);
      expect((await fetch(`${api.metricsUrl}/api/health`)).status).toBe(404);
    });

    it('should serve no metrics at all with METRICS_PORT=0', async () => {
      const quiet = await startApi({ API_USERNAME: e2eEnv.username, API_PASSWORD: e2eEnv.password, INFLUXDB_PORT: String(await getFreePort()), METRICS_PORT: '0' });
      try {
        expect((await fetch(`${quiet.url}/metrics`)).status).toBe(404);
        expect(quiet.output()).toContain('METRICS_PORT=0: no Prometheus metrics listener');
      } finally {
        await quiet.stop();
      }
    });
  });

  describe('readiness', () => {
    it('should say what is down without its host, port or database, and log those', async () => {
      const [influxPort, pgPort] = [await getFreePort(), await getFreePort()];
      const down = await startApi({
        API_USERNAME: e2eEnv.username,
        API_PASSWORD: e2eEnv.password,
        INFLUXDB_HOST: '127.0.0.1',
        INFLUXDB_PORT: String(influxPort),
        INFLUXDB_DB: 'influx_db_name_to_hide',
        INFLUXDB_TIMEOUT_MS: '1000',
        DATABASE_URL: `postgres://km:pw-to-hide-0123456789@127.0.0.1:${pgPort}/user_db_name_to_hide`,
      });
      try {
        const r = await fetch(`${down.url}/api/health/ready`);
        expect(r.status).toBe(503);
        const text = await r.text();
        expect(JSON.parse(text)).toEqual({ code: 503, message: 'not ready: influxdb (InfluxDB unreachable), userdb (user database unreachable)' });
        for (const hidden of [String(influxPort), String(pgPort), '127.0.0.1', 'influx_db_name_to_hide', 'user_db_name_to_hide', 'ECONNREFUSED'])
          expect(text).not.toContain(hidden);
        await eventually('the reasons in the log', () => down.output().includes('user_db_name_to_hide') && down.output().includes(`127.0.0.1:${influxPort}`));
        expect(down.output()).not.toContain('pw-to-hide-0123456789');
      } finally {
        await down.stop();
      }
    });
  });

  describe('headers', () => {
    const usage = { from: '2017-12-01', to: '2017-12-02' };

    it('should send Cache-Control: no-store on every /api answer', async () => {
      const token = await login(api.url, VIEWER);
      const answers = [
        await fetch(`${api.url}/api/health`),
        await fetch(`${api.url}/api/metrics`, { headers: serviceHeaders() }),
        await fetch(`${api.url}/api/usage`, { method: 'POST', headers: { ...serviceHeaders(), 'content-type': 'application/json' }, body: JSON.stringify(usage) }),
        await fetch(`${api.url}/api/usage`, {
          method: 'POST',
          headers: { ...serviceHeaders(), 'content-type': 'application/json', accept: 'text/csv' },
          body: JSON.stringify(usage),
        }),
        await fetch(`${api.url}/api/ui/usage`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(usage) }),
        await fetch(`${api.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: VIEWER.username, password: VIEWER.password }),
        }),
        await fetch(`${api.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } }),
        await fetch(`${api.url}/api/cpu/usage_rate`, { method: 'POST', body: '{}' }),
        await fetch(`${api.url}/api/cpu/usage_rate`),
      ];
      expect(answers.map((r) => [r.url.replace(api.url, ''), r.status, r.headers.get('cache-control')])).toEqual(
        answers.map((r) => [r.url.replace(api.url, ''), r.status, 'no-store']),
      );
    });

    it('should give a router-level 400 (/api/%) the security headers of every other answer', async () => {
      const normal = await send(api.url, { method: 'GET', path: '/api/health' }, 5000);
      const bad = await send(api.url, { method: 'GET', path: '/api/%' }, 5000);
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.text)).toEqual({ code: 400, message: expect.stringMatching(/^metric: /) });
      const security = [
        'content-security-policy',
        'strict-transport-security',
        'x-content-type-options',
        'x-frame-options',
        'referrer-policy',
        'cross-origin-opener-policy',
        'cross-origin-resource-policy',
        'x-dns-prefetch-control',
        'x-download-options',
        'x-permitted-cross-domain-policies',
        'origin-agent-cluster',
      ];
      for (const h of security) {
        expect([h, normal.headers?.[h]]).toEqual([h, expect.any(String)]);
        expect([h, bad.headers?.[h]]).toEqual([h, normal.headers?.[h]]);
      }
      expect(bad.headers?.['cache-control']).toBe('no-store');
      expect(bad.headers?.['x-request-id']).toEqual(expect.any(String));
    });

    it("should serve /web with the nginx image's script policy: the stylesheet loader by hash, no 'unsafe-inline'", async () => {
      const r = await fetch(`${api.url}/web/stats/cpu/usage_rate`);
      expect(r.status).toBe(200);
      expect(await r.text()).toBe(INDEX_HTML);
      const served = cspDirectives(r.headers.get('content-security-policy') ?? '');
      expect(served['script-src']).not.toContain("'unsafe-inline'");
      const template = readFileSync(join(ROOT, 'deploy/web/default.conf.template'), 'utf8');
      const nginx = /default "(default-src[^"]+)"/.exec(template)?.[1] ?? '';
      expect(served).toEqual(cspDirectives(nginx));
      // Swagger UI keeps working under the same policy: its scripts are files, only its style is inline.
      const docs = await fetch(`${api.url}/api/docs`);
      expect(docs.status).toBe(200);
      expect(cspDirectives(docs.headers.get('content-security-policy') ?? '')['script-src']).not.toContain("'unsafe-inline'");
    });

    it('should answer a missing script or stylesheet of the dashboard 404, as the nginx image does, and deep links index.html', async () => {
      for (const path of ['/web/main-OLDHASH1.js', '/web/chunk-ZZZZ9999.mjs', '/web/styles-OLD.css', '/web/stats/x/favicon.ico', '/web/assets/gone.json']) {
        const r = await fetch(`${api.url}${path}`);
        expect({ path, status: r.status, type: r.headers.get('content-type') }).toEqual({ path, status: 404, type: expect.stringContaining('application/json') });
      }
      for (const path of ['/web/stats/cpu/usage_rate/cluster-3', '/web/usage', '/web/stats/network/rx_rate']) {
        const r = await fetch(`${api.url}${path}`);
        expect({ path, status: r.status, body: await r.text() }).toEqual({ path, status: 200, body: INDEX_HTML });
      }
    });

    it("should add Accept to CORS's Vary: Origin on /api/usage, not replace it", async () => {
      for (const accept of ['application/json', 'text/csv']) {
        const r = await fetch(`${api.url}/api/usage`, {
          method: 'POST',
          headers: { ...serviceHeaders(), 'content-type': 'application/json', accept, origin: CORS_ORIGIN },
          body: JSON.stringify(usage),
        });
        expect(r.status).toBe(200);
        expect(r.headers.get('access-control-allow-origin')).toBe(CORS_ORIGIN);
        const vary = (r.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());
        expect(vary).toEqual(expect.arrayContaining(['origin', 'accept']));
      }
    });
  });

  describe('weak credentials', () => {
    it('should refuse a well-signed token without an expiry', async () => {
      const now = Math.floor(Date.now() / 1000);
      // The viewer's own account id and token version, from a token the API issued.
      const issued = JSON.parse(Buffer.from((await login(api.url, VIEWER)).split('.')[1] as string, 'base64url').toString()) as { sub: string; ver: number };
      const account = { sub: issued.sub, ver: issued.ver };
      const withExpiry = await fetch(`${api.url}/api/auth/me`, { headers: { authorization: `Bearer ${hs256({ ...account, iat: now, exp: now + 600 })}` } });
      expect(withExpiry.status).toBe(200);
      for (const claims of [{ ...account, iat: now }, account]) {
        const r = await fetch(`${api.url}/api/auth/me`, { headers: { authorization: `Bearer ${hs256(claims)}` } });
        expect(r.status).toBe(401);
        expect(await r.json()).toEqual({ code: 401, message: 'Invalid token: no expiry' });
      }
    });

    it('should refuse to start with a service password shorter than 16 characters', async () => {
      const weak = await startApi({ API_USERNAME: e2eEnv.username, API_PASSWORD: '1' }, { waitForHealth: false });
      try {
        const exited = new Promise((r) => weak.child.once('exit', r));
        expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))])).toBe(2);
        expect(weak.output()).toContain('API_PASSWORD must be at least 16 characters long');
      } finally {
        await weak.stop();
      }
    });
  });
});
