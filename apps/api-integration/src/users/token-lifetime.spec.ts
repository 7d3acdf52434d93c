import { Backend, BACKENDS, startBackend, Store } from './support/backends';
import { runCli } from './support/cli';
import { call, login, tokenFor } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const PASSWORD = 'Viewer-pass-0002';
const ADMIN_PASSWORD = 'Admin-pass-0001';

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

/** A token stands for one account as it was when issued: logout and changes of what it granted end it. */
describe.each(BACKENDS)('token revocation on %s', (kind) => {
  let backend: Backend;
  let store: Store;
  let t: TestApp;
  let admin: string;

  const me = async (token: string) => call(t.app, 'GET', '/api/auth/me', { token });
  const REVOKED = { code: 401, message: 'Token revoked (logout, or a password, role or namespace change): log in again' };

  beforeAll(async () => {
    backend = await startBackend(kind);
    store = await backend.freshStore();
    t = await createTestApp(store.env);
    await t.users.create({ username: 'root', email: 'root@example.org', password: ADMIN_PASSWORD, role: 'admin' });
    admin = await tokenFor(t.app, 'root', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
    await backend?.dispose();
  });

  it('should end every session of the user on POST /api/auth/logout', async () => {
    await t.users.create({ username: 'leaver', email: 'leaver@example.org', password: PASSWORD, namespaces: ['lab-a'] });
    const first = await tokenFor(t.app, 'leaver', PASSWORD);
    const second = await tokenFor(t.app, 'leaver', PASSWORD);
    expect((await me(first)).status).toBe(200);
    const before = await t.users.get('leaver');

    const out = await call(t.app, 'POST', '/api/auth/logout', { token: first });
    expect(out.status).toBe(204);
    // Logging out changes no field of the account.
    expect(await t.users.get('leaver')).toEqual(before);
    expect(await me(first)).toMatchObject({ status: 401, body: REVOKED });
    expect(await me(second)).toMatchObject({ status: 401, body: REVOKED });
    // Logging out again with the dead token is a plain 401, and a new login works.
    expect((await call(t.app, 'POST', '/api/auth/logout', { token: first })).status).toBe(401);
    expect((await me(await tokenFor(t.app, 'leaver', PASSWORD))).status).toBe(200);
    // Other users keep their sessions.
    expect((await me(admin)).status).toBe(200);
  });

  it('should refuse a logout without a token', async () => {
    const res = await call(t.app, 'POST', '/api/auth/logout');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 401, message: expect.stringContaining('Missing credentials') });
  });

  it('should end tokens issued before a password change through the API', async () => {
    await t.users.create({ username: 'pw-api', email: 'pw-api@example.org', password: PASSWORD, namespaces: ['lab-a'] });
    const before = await tokenFor(t.app, 'pw-api', PASSWORD);
    expect((await me(before)).status).toBe(200);
    const changed = await call(t.app, 'PATCH', '/api/users/pw-api', { token: admin, body: { password: 'Changed-pass-0003' } });
    expect(changed.status).toBe(200);
    expect(await me(before)).toMatchObject({ status: 401, body: REVOKED });
    expect((await me(await tokenFor(t.app, 'pw-api', 'Changed-pass-0003'))).status).toBe(200);
  });

  it('should end tokens issued before a password change with the CLI, within the lookup cache lifetime', async () => {
    await t.users.create({ username: 'pw-cli', email: 'pw-cli@example.org', password: PASSWORD, namespaces: ['lab-a'] });
    const before = await tokenFor(t.app, 'pw-cli', PASSWORD);
    expect((await me(before)).status).toBe(200);
    const r = await runCli(['changepassword', '--username=pw-cli', '--password-stdin'], store.env, 'Changed-pass-0004\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The CLI is another process: this API sees the change once its few-second lookup cache expires.
    const deadline = Date.now() + 5000;
    let answer = await me(before);
    while (answer.status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await me(before);
    }
    expect(answer).toMatchObject({ status: 401, body: REVOKED });
  });

  it('should end tokens on a role or namespace change, and keep them on an e-mail change', async () => {
    await t.users.create({ username: 'moved', email: 'moved@example.org', password: PASSWORD, namespaces: ['lab-a'] });
    let token = await tokenFor(t.app, 'moved', PASSWORD);
    expect((await call(t.app, 'PATCH', '/api/users/moved', { token: admin, body: { email: 'moved2@example.org', namespaces: ['lab-a'], role: 'viewer' } })).status).toBe(200);
    expect((await me(token)).status).toBe(200);

    expect((await call(t.app, 'PATCH', '/api/users/moved', { token: admin, body: { namespaces: ['lab-b'] } })).status).toBe(200);
    expect(await me(token)).toMatchObject({ status: 401, body: REVOKED });

    token = await tokenFor(t.app, 'moved', PASSWORD);
    expect((await call(t.app, 'PATCH', '/api/users/moved', { token: admin, body: { role: 'admin' } })).status).toBe(200);
    expect(await me(token)).toMatchObject({ status: 401, body: REVOKED });
  });

  it("should not let a deleted user's token work for a new account of the same name", async () => {
    await t.users.create({ username: 'reborn', email: 'reborn@example.org', password: PASSWORD, namespaces: ['lab-a'] });
    const old = await tokenFor(t.app, 'reborn', PASSWORD);
    expect((await call(t.app, 'DELETE', '/api/users/reborn', { token: admin })).status).toBe(204);
    await t.users.create({ username: 'reborn', email: 'reborn@example.org', password: 'Another-pass-0005', namespaces: ['lab-b'] });
    const refused = await me(old);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ code: 401, message: 'Invalid token: this user no longer exists' });
    expect((await call(t.app, 'GET', '/api/ui/probe/namespaces', { token: old })).status).toBe(401);
  });

  it('should bind the token to the account id, with the revocation version beside it', async () => {
    const res = await login(t.app, 'root', ADMIN_PASSWORD);
    const payload = JSON.parse(Buffer.from(res.body.accessToken.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ sub: expect.stringMatching(/^[1-9]\d*$/), ver: expect.any(Number) });
  });
});
