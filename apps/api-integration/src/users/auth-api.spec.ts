import { createHmac } from 'node:crypto';

import { JwtService } from '@nestjs/jwt';
import type { OpenAPIObject } from '@nestjs/swagger';

import type { UserView } from '@kube-monitoring/contract';

import { buildOpenApiDocument } from '../../../api/src/openapi/openapi';
import { Backend, BACKENDS, startBackend } from './support/backends';
import { Answer, call, freshAddress, login, tokenFor } from './support/http';
import { CLUSTER_NAMESPACES } from './support/probe.controllers';
import { createTestApp, JWT_SECRET, SERVICE_HEADERS, TestApp } from './support/test-app';

const ADMIN_PASSWORD = 'Admin-pass-0001';
const VIEWER_PASSWORD = 'Viewer-pass-0002';

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** A correctly formed token, signed however the test wants. */
function sign(payload: object, secret: string, options: { algorithm: 'HS256' | 'HS512' }): string {
  return new JwtService().sign(payload, { secret, algorithm: options.algorithm });
}

/** A token built by hand, for forgeries the JWT library would refuse to produce. */
function handMadeToken(header: object, payload: object, secret?: string): string {
  const unsigned = `${base64url(header)}.${base64url(payload)}`;
  const signature = secret ? createHmac('sha256', secret).update(unsigned).digest('base64url') : '';
  return `${unsigned}.${signature}`;
}

describe.each(BACKENDS)('login, JWT and users API on %s', (kind) => {
  let backend: Backend;
  let t: TestApp;

  beforeAll(async () => {
    backend = await startBackend(kind);
    // The API-wide failure budget is the subject of login-spraying.spec.ts: out of the way here.
    t = await createTestApp((await backend.freshStore()).env, { env: { LOGIN_GLOBAL_FAILURES_PER_MINUTE: '10000' } });
    await t.users.create({ username: 'root', email: 'root@example.org', password: ADMIN_PASSWORD, role: 'admin' });
    await t.users.create({ username: 'lab', email: 'lab@example.org', password: VIEWER_PASSWORD, namespaces: ['lab-a', 'lab-b'] });
    await t.users.create({ username: 'everyone', email: 'everyone@example.org', password: VIEWER_PASSWORD, namespaces: ['*'] });
  });
  afterAll(async () => {
    await t?.close();
    await backend?.dispose();
  });

  describe('POST /api/auth/login', () => {
    it('should answer a bearer token, its lifetime and the user', async () => {
      const res = await login(t.app, 'lab', VIEWER_PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        tokenType: 'Bearer',
        expiresIn: 8 * 3600,
        user: expect.objectContaining({ username: 'lab', role: 'viewer', namespaces: ['lab-a', 'lab-b'] }),
      });
      const [header, payload] = res.body.accessToken
        .split('.')
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(payload).toMatchObject({ sub: expect.stringMatching(/^\d+$/), ver: 0, role: 'viewer', ns: ['lab-a', 'lab-b'] });
      expect(payload.exp - payload.iat).toBe(8 * 3600);
    });

    it('should refuse wrong passwords and unknown users alike, logging without the password', async () => {
      const wrong = await login(t.app, 'lab', 'Not-the-password-1');
      const unknown = await login(t.app, 'nobody', 'Not-the-password-1');
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual({ code: 401, message: 'Invalid username or password' });
      expect(unknown.body).toEqual(wrong.body);
      const failures = t.logs.lines.filter((l) => l.includes('login failed'));
      expect(failures.some((l) => l.includes('"lab"'))).toBe(true);
      expect(failures.some((l) => l.includes('"nobody"'))).toBe(true);
      expect(t.logs.lines.join('\n')).not.toContain('Not-the-password-1');
    });

    it('should name the missing or malformed field', async () => {
      const missing = await call(t.app, 'POST', '/api/auth/login', { body: { username: 'lab' } });
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ code: 400, message: expect.stringContaining('password') });
      const wrongType = await call(t.app, 'POST', '/api/auth/login', { body: { username: 42, password: 'x' } });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body).toEqual({ code: 400, message: expect.stringContaining('username must be a string') });
    });

    it('should throttle one client address to 10 attempts a minute', async () => {
      const address = freshAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await login(t.app, `guess${i}`, 'Not-the-password-1', address)).status);
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      const blocked = await login(t.app, 'everyone', VIEWER_PASSWORD, address);
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual({ code: 429, message: expect.stringContaining('Too many login attempts from this address') });
      // The standard header (RFC 9110 §10.2.3), in whole seconds: what clients and proxies read.
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(blocked.headers['retry-after-login']).toBeUndefined();
      // Another address is not affected.
      expect((await login(t.app, 'everyone', VIEWER_PASSWORD)).status).toBe(200);
    });

    it('should hold an attacker off a username without locking the owner out', async () => {
      await t.users.create({ username: 'target', email: 'target@example.org', password: VIEWER_PASSWORD, namespaces: ['*'] });
      const attacker = freshAddress();
      const statuses: number[] = [];
      const answers: Answer[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await login(t.app, 'target', `Wrong-guess-${i}0`, attacker);
        statuses.push(res.status);
        answers.push(res);
      }
      expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 429]);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
      expect(answers[3].body).toEqual({ code: 429, message: expect.stringMatching(/^Too many failed logins for this username from here: try again in \d+ seconds?$/) });
      expect(Number(answers[3].headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Even the right password waits from the attacker's address...
      expect((await login(t.app, 'target', VIEWER_PASSWORD, attacker)).status).toBe(429);
      // ...but not from the owner's.
      expect((await login(t.app, 'target', VIEWER_PASSWORD)).status).toBe(200);

      // From many addresses the failures only delay every answer for the username, boundedly.
      for (let i = 0; i < 20; i++) expect((await login(t.app, 'target', `Wrong-spread-${i}0`)).status).toBe(401);
      const started = Date.now();
      const owner = await login(t.app, 'target', VIEWER_PASSWORD);
      const elapsed = Date.now() - started;
      expect(owner.status).toBe(200);
      expect(elapsed).toBeGreaterThanOrEqual(1900);
      expect(elapsed).toBeLessThan(6000);
      // Other accounts are not slowed.
      const other = Date.now();
      expect((await login(t.app, 'everyone', VIEWER_PASSWORD)).status).toBe(200);
      expect(Date.now() - other).toBeLessThan(1900);
    });

    it('should let a browser that signed in before past the delays of its account', async () => {
      await t.users.create({ username: 'known', email: 'known@example.org', password: VIEWER_PASSWORD, namespaces: ['*'] });
      const first = await login(t.app, 'known', VIEWER_PASSWORD);
      const setCookie = String(first.headers['set-cookie']);
      expect(setCookie).toMatch(/^km_known_browser=[\w.-]+; Max-Age=2592000; Path=\/api\/auth\/login; HttpOnly; SameSite=Strict$/);
      for (let i = 0; i < 12; i++) expect((await login(t.app, 'known', `Wrong-spread-${i}0`)).status).toBe(401);
      const cookie = setCookie.split(';')[0];
      const started = Date.now();
      const again = await call(t.app, 'POST', '/api/auth/login', { body: { username: 'known', password: VIEWER_PASSWORD }, headers: { cookie } });
      expect(again.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1900);
      expect(String(again.headers['set-cookie']).split(';')[0].split('.')[1]).toBe(cookie.split('.')[1]);
    });
  });

  describe('GET /api/auth/me and forged tokens', () => {
    it('should answer the logged-in user', async () => {
      const token = await tokenFor(t.app, 'lab', VIEWER_PASSWORD);
      const me = await call<UserView>(t.app, 'GET', '/api/auth/me', { token });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({
        username: 'lab',
        email: 'lab@example.org',
        role: 'viewer',
        namespaces: ['lab-a', 'lab-b'],
        source: 'local',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it('should ask for a token when there is none, and ignore service headers', async () => {
      const none = await call(t.app, 'GET', '/api/auth/me');
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ code: 401, message: expect.stringContaining('Missing credentials') });
      const headers = await call(t.app, 'GET', '/api/ui/probe/namespaces', { headers: SERVICE_HEADERS });
      expect(headers.status).toBe(401);
    });

    const now = () => Math.floor(Date.now() / 1000);
    const claims = () => ({ sub: '1', ver: 0, role: 'admin', ns: [], iat: now(), exp: now() + 600 });

    it.each([
      ['alg none, no signature', () => handMadeToken({ alg: 'none', typ: 'JWT' }, claims())],
      ['alg none with an HMAC anyway', () => handMadeToken({ alg: 'none', typ: 'JWT' }, claims(), JWT_SECRET)],
      ['a wrong secret', () => sign(claims(), 'another-secret-0123456789abcdef0123456789', { algorithm: 'HS256' })],
      ['HS512 with the right secret', () => sign(claims(), JWT_SECRET, { algorithm: 'HS512' })],
      [
        'a payload changed after signing',
        () => {
          const genuine = sign({ ...claims(), sub: 'lab', role: 'viewer' }, JWT_SECRET, { algorithm: 'HS256' });
          const [h, , s] = genuine.split('.');
          return `${h}.${base64url(claims())}.${s}`;
        },
      ],
      ['garbage', () => 'not.a.token'],
    ])('should refuse a token with %s', async (_what, forge) => {
      for (const url of ['/api/auth/me', '/api/users', '/api/ui/probe/namespaces']) {
        const res = await call(t.app, 'GET', url, { token: forge() });
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ code: 401, message: expect.stringMatching(/^Invalid token/) });
      }
    });

    it('should refuse an expired token', async () => {
      const expired = sign({ sub: '1', ver: 0, role: 'admin', ns: [], iat: now() - 120, exp: now() - 60 }, JWT_SECRET, { algorithm: 'HS256' });
      const res = await call(t.app, 'GET', '/api/auth/me', { token: expired });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 401, message: 'Token expired: log in again' });
    });

    it('should refuse the token of a user deleted since, and end it at once on a demotion', async () => {
      await t.users.create({ username: 'temp', email: 'temp@example.org', password: VIEWER_PASSWORD, role: 'admin' });
      const token = await tokenFor(t.app, 'temp', VIEWER_PASSWORD);
      expect((await call(t.app, 'GET', '/api/users', { token })).status).toBe(200);
      await t.users.update('temp', { role: 'viewer', namespaces: ['lab-c'] });
      expect((await call(t.app, 'GET', '/api/users', { token })).status).toBe(401);
      const fresh = await tokenFor(t.app, 'temp', VIEWER_PASSWORD);
      expect((await call(t.app, 'GET', '/api/users', { token: fresh })).status).toBe(403);
      expect((await call(t.app, 'GET', '/api/ui/probe/namespaces', { token: fresh })).body).toEqual(['lab-c']);
      await t.users.delete('temp');
      const gone = await call(t.app, 'GET', '/api/auth/me', { token: fresh });
      expect(gone.status).toBe(401);
      expect(gone.body).toEqual({ code: 401, message: 'Invalid token: this user no longer exists' });
    });
  });

  describe('/api/users (admin only)', () => {
    let admin: string;
    let viewer: string;
    beforeAll(async () => {
      admin = await tokenFor(t.app, 'root', ADMIN_PASSWORD);
      viewer = await tokenFor(t.app, 'everyone', VIEWER_PASSWORD);
    });

    it('should answer 403 to viewers on every operation', async () => {
      for (const [method, url] of [
        ['GET', '/api/users'],
        ['POST', '/api/users'],
        ['PATCH', '/api/users/lab'],
        ['DELETE', '/api/users/lab'],
      ] as const) {
        const res = await call(t.app, method, url, { token: viewer, body: method === 'GET' || method === 'DELETE' ? undefined : {} });
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ code: 403, message: 'This operation needs the admin role; "everyone" is a viewer' });
      }
      expect((await call(t.app, 'GET', '/api/users', { headers: SERVICE_HEADERS })).status).toBe(401);
    });

    it('should list, create, change and delete users', async () => {
      const list = await call<UserView[]>(t.app, 'GET', '/api/users', { token: admin });
      expect(list.status).toBe(200);
      expect(list.body.map((u) => u.username)).toEqual(expect.arrayContaining(['everyone', 'lab', 'root']));
      expect(JSON.stringify(list.body)).not.toMatch(/password|scrypt/i);

      const created = await call<UserView>(t.app, 'POST', '/api/users', {
        token: admin,
        body: { username: 'newbie', email: 'newbie@example.org', password: 'Newbie-pass-01', namespaces: ['lab-c'] },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ username: 'newbie', role: 'viewer', namespaces: ['lab-c'] });
      expect((await login(t.app, 'newbie', 'Newbie-pass-01')).status).toBe(200);

      const changed = await call<UserView>(t.app, 'PATCH', '/api/users/newbie', {
        token: admin,
        body: { role: 'admin', namespaces: [], password: 'Changed-pass-02' },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ role: 'admin', namespaces: [] });
      expect((await login(t.app, 'newbie', 'Changed-pass-02')).status).toBe(200);

      const deleted = await call(t.app, 'DELETE', '/api/users/newbie', { token: admin });
      expect(deleted.status).toBe(204);
      expect((await call(t.app, 'DELETE', '/api/users/newbie', { token: admin })).body).toEqual({ code: 404, message: 'User "newbie" not found' });
    });

    it.each([
      [{ username: 'root', email: 'x@example.org', password: 'Valid-pass-001' }, 409, 'username "root" is already taken'],
      [{ username: 'x', email: 'x@example.org', password: 'short' }, 400, 'password must be 10-1024 characters'],
      [{ username: 'x', email: 'x@example.org', password: 'lowercaseonly' }, 400, 'password must mix at least two kinds of characters'],
      [{ username: 'x', email: 'not-an-email', password: 'Valid-pass-001' }, 400, 'email must be a valid e-mail address'],
      [{ username: 'X Y', email: 'x@example.org', password: 'Valid-pass-001' }, 400, 'username must be 1-64 characters'],
      [{ username: 'x', email: 'x@example.org', password: 'Valid-pass-001', role: 'root' }, 400, 'role must be one of admin, viewer'],
      [{ username: 'x', email: 'x@example.org', password: 'Valid-pass-001', namespaces: ['Not_DNS'] }, 400, 'each entry of namespaces must be a Kubernetes namespace name'],
      [{ username: 'x', email: 'x@example.org', password: 'Valid-pass-001', isSuperuser: true }, 400, 'isSuperuser'],
      [{ username: 'x', email: 'x@example.org', password: 'Valid-pass-001', namespaces: ['*', 'lab-a'] }, 400, 'namespaces: "*" (all namespaces) must be alone in the list'],
    ])('should refuse POST %j', async (body, status, message) => {
      const res = await call(t.app, 'POST', '/api/users', { token: admin, body });
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ code: status, message: expect.stringContaining(message) });
    });

    it('should protect the last admin', async () => {
      const demote = await call(t.app, 'PATCH', '/api/users/root', { token: admin, body: { role: 'viewer' } });
      expect(demote.status).toBe(409);
      expect(demote.body).toEqual({ code: 409, message: expect.stringContaining('cannot demote "root", the last admin') });
      const remove = await call(t.app, 'DELETE', '/api/users/root', { token: admin });
      expect(remove.status).toBe(409);
      expect(remove.body).toEqual({ code: 409, message: expect.stringContaining('cannot delete "root", the last admin') });
    });
  });

  describe('namespace scope for /api/ui', () => {
    it('should show a restricted user only their namespaces and 403 the others', async () => {
      const token = await tokenFor(t.app, 'lab', VIEWER_PASSWORD);
      expect((await call(t.app, 'GET', '/api/ui/probe/namespaces', { token })).body).toEqual(['lab-a', 'lab-b']);
      expect((await call(t.app, 'GET', '/api/ui/probe/namespaces/lab-a', { token })).status).toBe(200);
      const other = await call(t.app, 'GET', '/api/ui/probe/namespaces/kube-system', { token });
      expect(other.status).toBe(403);
      expect(other.body).toEqual({ code: 403, message: 'namespace: you may not read namespace "kube-system"' });
      expect((await call(t.app, 'GET', '/api/ui/probe/scope', { token })).body).toEqual({ kind: 'user', username: 'lab', namespaces: ['lab-a', 'lab-b'] });
    });

    it('should show a viewer with an empty list nothing, also once an admin removes their last namespace', async () => {
      const created = await call<UserView>(t.app, 'POST', '/api/users', {
        token: await tokenFor(t.app, 'root', ADMIN_PASSWORD),
        body: { username: 'unscoped', email: 'unscoped@example.org', password: VIEWER_PASSWORD },
      });
      expect(created.body).toMatchObject({ role: 'viewer', namespaces: [] });
      let token = await tokenFor(t.app, 'unscoped', VIEWER_PASSWORD);
      expect((await call(t.app, 'GET', '/api/ui/probe/namespaces', { token })).body).toEqual([]);
      expect((await call(t.app, 'GET', '/api/ui/probe/scope', { token })).body).toEqual({ kind: 'user', username: 'unscoped', namespaces: [] });
      const named = await call(t.app, 'GET', '/api/ui/probe/namespaces/default', { token });
      expect(named.status).toBe(403);
      expect(named.body).toEqual({ code: 403, message: 'namespace: you may not read namespace "default"' });

      const admin = await tokenFor(t.app, 'root', ADMIN_PASSWORD);
      await call(t.app, 'PATCH', '/api/users/unscoped', { token: admin, body: { namespaces: ['lab-a'] } });
      token = await tokenFor(t.app, 'unscoped', VIEWER_PASSWORD);
      expect((await call(t.app, 'GET', '/api/ui/probe/namespaces', { token })).body).toEqual(['lab-a']);
      const emptied = await call<UserView>(t.app, 'PATCH', '/api/users/unscoped', { token: admin, body: { namespaces: [] } });
      expect(emptied.body.namespaces).toEqual([]);
      token = await tokenFor(t.app, 'unscoped', VIEWER_PASSWORD);
      expect((await call(t.app, 'GET', '/api/ui/probe/namespaces', { token })).body).toEqual([]);
      expect((await call(t.app, 'GET', '/api/ui/probe/namespaces/kube-system', { token })).status).toBe(403);
    });

    it('should show an unrestricted user everything', async () => {
      const token = await tokenFor(t.app, 'everyone', VIEWER_PASSWORD);
      expect((await call(t.app, 'GET', '/api/ui/probe/namespaces', { token })).body).toEqual(CLUSTER_NAMESPACES);
      expect((await call(t.app, 'GET', '/api/ui/probe/namespaces/kube-system', { token })).status).toBe(200);
      expect((await call(t.app, 'GET', '/api/ui/probe/scope', { token })).body).toEqual({ kind: 'user', username: 'everyone', namespaces: 'all' });
    });

    it('should keep the two kinds of credentials apart', async () => {
      const token = await tokenFor(t.app, 'root', ADMIN_PASSWORD);
      expect((await call(t.app, 'GET', '/api/probe/service', { headers: SERVICE_HEADERS })).status).toBe(200);
      const jwtOnService = await call(t.app, 'GET', '/api/probe/service', { token });
      expect(jwtOnService.status).toBe(401);
      expect(jwtOnService.body).toEqual({ code: 401, message: 'You are not authorized' });
      expect((await call(t.app, 'GET', '/api/ui/probe/namespaces', { headers: SERVICE_HEADERS })).status).toBe(401);
    });
  });

  describe('OpenAPI', () => {
    let doc: OpenAPIObject;
    beforeAll(() => {
      doc = buildOpenApiDocument(t.app);
    });

    const security = (path: string, method: string) => (doc.paths[path] as Record<string, { security?: unknown }>)[method]?.security;

    it('should document both auth schemes', () => {
      expect(doc.components?.securitySchemes?.['jwt']).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
      expect(doc.components?.securitySchemes?.['serviceUsername']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-USERNAME' });
    });

    it('should say which operations use which scheme', () => {
      expect(security('/api/auth/login', 'post')).toEqual([]);
      expect(security('/api/auth/me', 'get')).toEqual([{ jwt: [] }]);
      expect(security('/api/auth/logout', 'post')).toEqual([{ jwt: [] }]);
      for (const [path, method] of [
        ['/api/users', 'get'],
        ['/api/users', 'post'],
        ['/api/users/{username}', 'patch'],
        ['/api/users/{username}', 'delete'],
        ['/api/ui/probe/namespaces', 'get'],
      ]) {
        expect(security(path, method)).toEqual([{ jwt: [] }]);
      }
      expect(security('/api/probe/service', 'get')).toEqual([{ serviceUsername: [], servicePassword: [] }, { apiKey: [] }]);
    });

    it('should document the user fields, never exposing the password in answers', () => {
      const schemas = doc.components?.schemas ?? {};
      expect(Object.keys((schemas['UserViewDto'] as { properties: object }).properties)).not.toContain('password');
      expect((schemas['CreateUserDto'] as { required: string[] }).required).toEqual(['username', 'email', 'password']);
      expect(JSON.stringify(doc.paths['/api/auth/login'])).toContain('"429"');
    });
  });
});
