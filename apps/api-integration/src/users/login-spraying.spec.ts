import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Backend, startBackend, Store } from './support/backends';
import { ROOT } from './support/cli';
import { Answer, call, login } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const PASSWORD = 'Viewer-pass-0002';

/** The TRUST_PROXY the Kubernetes deployment ships with. */
function deployedTrustProxy(): string {
  const line = readFileSync(join(ROOT, 'deploy/k8s/base/config.env'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('TRUST_PROXY='));
  return (line ?? '').slice('TRUST_PROXY='.length).trim();
}

/**
 * Password guessing from many addresses at once, as a red team did: 259 attempts in 21 s through a
 * trusted proxy with a rotating X-Forwarded-For met no limit. The limits live in the API process,
 * not in the store, so one store kind is enough. Apps one after the other: passport keeps one "jwt"
 * strategy per process.
 */
describe('login from many addresses (SQLite store)', () => {
  let backend: Backend;
  let store: Store;
  let t: TestApp | undefined;

  beforeAll(async () => {
    backend = await startBackend('sqlite');
    store = await backend.freshStore();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  it('should answer 429 to a spray with a rotating X-Forwarded-For from a trusted proxy, and still let known browsers in', async () => {
    t = await createTestApp(store.env, { env: { LOGIN_GLOBAL_FAILURES_PER_MINUTE: '20' } });
    await t.users.create({ username: 'alice', email: 'alice@example.org', password: PASSWORD, namespaces: ['*'] });
    await t.users.create({ username: 'bob', email: 'bob@example.org', password: PASSWORD, namespaces: ['*'] });
    const alice = await login(t.app, 'alice', PASSWORD);
    const aliceBrowser = String(alice.headers['set-cookie']).split(';')[0];

    // The proxy is on loopback (trusted by default); every attempt claims another client address.
    const statuses: number[] = [];
    let refused: Answer | undefined;
    for (let i = 0; i < 60; i++) {
      const res = await call(t.app, 'POST', '/api/auth/login', {
        body: { username: `user${i % 25}`, password: 'Summer-2026!' },
        address: '127.0.0.1',
        headers: { 'x-forwarded-for': `198.51.${i >> 8}.${i & 255}` },
      });
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(40).fill(429));
    expect(refused?.body).toEqual({
      code: 429,
      message: expect.stringMatching(/^Too many failed logins on this server: try again in \d+ seconds? \(a browser that signed in to this account before may log in now\)$/),
    });
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    expect(t.logs.lines.filter((l) => l.includes('failed logins within 60 s across the API'))).toHaveLength(1);

    // A browser that signed in before still logs in; a first-time one waits for the rate to fall.
    const back = await call(t.app, 'POST', '/api/auth/login', { body: { username: 'alice', password: PASSWORD }, headers: { cookie: aliceBrowser } });
    expect(back.status).toBe(200);
    expect((await login(t.app, 'bob', PASSWORD)).status).toBe(429);
  });

  it("should take the address the ingress saw with the deployment's TRUST_PROXY, whatever the client puts in X-Forwarded-For", async () => {
    const trustProxy = deployedTrustProxy();
    // A hop count trusts the ingress controller and the web nginx, never what a client sends.
    expect(trustProxy).toMatch(/^\d+$/);
    t = await createTestApp(store.env, { env: { TRUST_PROXY: trustProxy, LOGIN_GLOBAL_FAILURES_PER_MINUTE: '10000' } });

    // Client 10.9.9.9 (a private address, like the pod network) -> ingress 10.244.0.5 (appends) ->
    // web nginx 10.244.1.10 (appends the ingress) -> API.
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await call(t.app, 'POST', '/api/auth/login', {
        body: { username: `guess${i}`, password: 'Summer-2026!' },
        address: '10.244.1.10',
        headers: { 'x-forwarded-for': `10.${i}.0.1, 10.9.9.9, 10.244.0.5` },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    expect(t.logs.lines.filter((l) => l.includes('login failed') && l.endsWith('from 10.9.9.9'))).toHaveLength(10);
  });
});
