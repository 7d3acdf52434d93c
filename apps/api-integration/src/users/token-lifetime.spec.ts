import { Backend, BACKENDS, startBackend } from './support/backends';
import { call, login } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const PASSWORD = 'Viewer-pass-0002';

/** Its own file: passport keeps one "jwt" strategy per process, so apps with other settings must not overlap. */
describe.each(BACKENDS)('token lifetime on %s', (kind) => {
  let backend: Backend;
  let t: TestApp;

  beforeAll(async () => {
    backend = await startBackend(kind);
    t = await createTestApp((await backend.freshStore()).env, { env: { JWT_EXPIRES_IN: '1s' } });
    await t.users.create({ username: 'brief', email: 'brief@example.org', password: PASSWORD });
  });
  afterAll(async () => {
    await t?.close();
    await backend?.dispose();
  });

  it('should follow JWT_EXPIRES_IN and refuse the token once it has expired', async () => {
    const res = await login(t.app, 'brief', PASSWORD);
    expect(res.body.expiresIn).toBe(1);
    expect((await call(t.app, 'GET', '/api/auth/me', { token: res.body.accessToken })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    const late = await call(t.app, 'GET', '/api/auth/me', { token: res.body.accessToken });
    expect(late.status).toBe(401);
    expect(late.body).toEqual({ code: 401, message: 'Token expired: log in again' });
  });
});
