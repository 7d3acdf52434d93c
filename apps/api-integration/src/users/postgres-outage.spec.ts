import { JwtService } from '@nestjs/jwt';

import { userDatabaseReadiness } from '../../../api/src/health/user-database.readiness';
import { Backend, startBackend, Store } from './support/backends';
import { call, login } from './support/http';
import { createTestApp, JWT_SECRET, SERVICE_HEADERS, TestApp } from './support/test-app';

const PASSWORD = 'Admin-pass-0001';

async function eventually(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** PostgreSQL going away must cost people their login (503), never the billing client its API. */
describe('PostgreSQL outages', () => {
  let backend: Backend;
  let store: Store;
  let t: TestApp | undefined;

  beforeAll(async () => {
    backend = await startBackend('postgres');
    store = await backend.freshStore();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  it('should start while PostgreSQL is down, answer 503 to people, and connect by itself once it is back', async () => {
    await backend.postgres?.pause();
    t = await createTestApp(store.env);
    const app = t.app;

    expect((await call(app, 'GET', '/api/probe/service', { headers: SERVICE_HEADERS })).status).toBe(200);
    const refused = await login(app, 'root', PASSWORD);
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ code: 503, message: 'User database unavailable' });
    const token = new JwtService().sign({ sub: '1', ver: 0, role: 'admin', ns: [] }, { secret: JWT_SECRET, algorithm: 'HS256', expiresIn: '1h' });
    expect((await call(app, 'GET', '/api/auth/me', { token })).body).toEqual({ code: 503, message: 'User database unavailable' });
    expect(await userDatabaseReadiness(t.database).check()).toEqual({
      up: false,
      message: expect.stringMatching(/^User database unavailable \(PostgreSQL 127\.0\.0\.1:\d+\/suite_1: .*ECONNREFUSED/),
    });
    expect(t.logs.lines.some((l) => l.includes('user database unavailable'))).toBe(true);

    await backend.postgres?.resume();
    // No request needed: the background reconnection connects and migrates.
    await eventually('the user store to reconnect', () => t?.database.available ?? false);
    expect(await userDatabaseReadiness(t.database).check()).toEqual({ up: true });
    await t.users.create({ username: 'root', email: 'root@example.org', password: PASSWORD, role: 'admin' });
    expect((await login(app, 'root', PASSWORD)).status).toBe(200);
  });

  it('should answer 503 while PostgreSQL is down mid-run and work again when it returns', async () => {
    t = await createTestApp(store.env);
    const app = t.app;
    expect((await login(app, 'root', PASSWORD)).status).toBe(200);

    await backend.postgres?.pause();
    try {
      const refused = await login(app, 'root', PASSWORD);
      expect(refused.status).toBe(503);
      expect(refused.body).toEqual({ code: 503, message: 'User database unavailable' });
      const admin = await call(app, 'GET', '/api/users', { token: new JwtService().sign({ sub: '4242', ver: 0 }, { secret: JWT_SECRET, expiresIn: '1h' }) });
      expect(admin.status).toBe(503);
      expect((await call(app, 'GET', '/api/probe/service', { headers: SERVICE_HEADERS })).status).toBe(200);
    } finally {
      await backend.postgres?.resume();
    }

    await eventually('login to work again', async () => (await login(app, 'root', PASSWORD)).status === 200);
    expect(t.logs.lines.some((l) => l.includes('user database connection lost'))).toBe(true);
    expect(t.logs.lines.join('\n')).not.toContain(new URL(store.env['DATABASE_URL'] ?? '').password);
  });

  it('should survive the server being killed outright', async () => {
    t = await createTestApp(store.env);
    expect((await login(t.app, 'root', PASSWORD)).status).toBe(200);
    await backend.postgres?.kill();
    expect((await login(t.app, 'root', PASSWORD)).status).toBe(503);
    expect((await call(t.app, 'GET', '/api/probe/service', { headers: SERVICE_HEADERS })).status).toBe(200);
  });
});
