import { noteSecret } from '@kube-monitoring/testing';

import { ApiKeyStore } from '../../../api/src/database/api-keys/api-key-store';
import type { AuditEntry } from '../../../api/src/database/audit/audit-chain';
import { newApiKey } from '../../../api/src/guards/api-key-verifier';
import { Backend, BACKENDS, startBackend } from '../users/support/backends';
import { call, freshAddress, login, tokenFor } from '../users/support/http';
import { createTestApp, SERVICE_HEADERS, TestApp } from '../users/support/test-app';

const ADMIN_PASSWORD = 'Admin-pass-0001';
const VIEWER_PASSWORD = 'Viewer-pass-0002';
const NEW_PASSWORD = 'Changed-pass-0003';

interface Page {
  entries: AuditEntry[];
  next: number | null;
}

describe.each(BACKENDS)('audit trail over HTTP on %s', (kind) => {
  let backend: Backend;
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    backend = await startBackend(kind);
    t = await createTestApp((await backend.freshStore()).env, { env: { LOGIN_GLOBAL_FAILURES_PER_MINUTE: '10000' } });
    await t.users.create({ username: 'root', email: 'root@example.org', password: ADMIN_PASSWORD, role: 'admin' });
    await t.users.create({ username: 'lab', email: 'lab@example.org', password: VIEWER_PASSWORD, namespaces: ['lab-a'] });
    adminToken = await tokenFor(t.app, 'root', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
    await backend?.dispose();
  });

  /** Every entry, through the API itself. */
  const trail = async (): Promise<AuditEntry[]> => {
    const res = await call<Page>(t.app, 'GET', '/api/audit?limit=1000', { headers: SERVICE_HEADERS });
    expect(res.status).toBe(200);
    return res.body.entries;
  };

  /** Background entries land within moments (or once the database is back): wait for them. */
  const eventually = async (match: (entries: AuditEntry[]) => boolean, timeoutMs = 20_000): Promise<AuditEntry[]> => {
    const started = Date.now();
    for (;;) {
      const entries = await trail();
      if (match(entries)) return entries;
      if (Date.now() - started > timeoutMs) throw new Error(`the trail never matched: ${JSON.stringify(entries.slice(-5))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('should record a failed and a successful sign-in with actor, client and action', async () => {
    const failedFrom = freshAddress();
    const signedInFrom = freshAddress();
    // Behind a trusted proxy (loopback here), the client is the address it saw.
    const behindProxy = await call(t.app, 'POST', '/api/auth/login', {
      body: { username: 'lab', password: 'Wrong-pass-0001' },
      address: '127.0.0.1',
      headers: { 'x-forwarded-for': failedFrom },
    });
    expect(behindProxy.status).toBe(401);
    expect((await login(t.app, 'lab', VIEWER_PASSWORD, signedInFrom)).status).toBe(200);

    const entries = await eventually((all) => all.some((e) => e.client === failedFrom));
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'anonymous', client: failedFrom, action: 'auth.login.failed', target: 'user:lab', detail: null }),
        expect.objectContaining({ actor: 'user:lab', client: signedInFrom, action: 'auth.login', target: 'user:lab' }),
      ]),
    );
    expect(JSON.stringify(entries)).not.toMatch(/Wrong-pass|Viewer-pass/);
  });

  it('should let only the service credentials and admins read the trail, never a viewer or an API key', async () => {
    const viewerToken = await tokenFor(t.app, 'lab', VIEWER_PASSWORD);
    for (const url of ['/api/audit', '/api/audit/verify', '/api/ui/audit', '/api/ui/audit/verify']) {
      const res = await call<{ message: string }>(t.app, 'GET', url, { token: viewerToken });
      expect({ url, status: res.status }).toEqual({ url, status: 403 });
      expect(res.body.message).toMatch(/admin role/);
      expect((await call(t.app, 'GET', url, { token: adminToken })).status).toBe(200);
      expect((await call(t.app, 'GET', url)).status).toBe(401);
    }
    expect((await call(t.app, 'GET', '/api/audit', { headers: SERVICE_HEADERS })).status).toBe(200);

    const made = newApiKey();
    noteSecret(made.key);
    const now = Date.now();
    await t.app.get(ApiKeyStore).insert({
      ...{ id: made.id, secretSha256: made.secretSha256, name: 'auditor', scope: 'billing-admin', namespaces: ['*'] },
      ...{ createdAt: now, createdBy: 'root', expiresAt: null, lastUsedAt: null, revokedAt: null },
    });
    const byKey = await call<{ message: string }>(t.app, 'GET', '/api/audit', { headers: { 'x-api-key': made.key } });
    expect(byKey.status).toBe(403);
    expect(byKey.body.message).toMatch(/may not .* read the audit trail/);

    // What a key may call, it calls on the record: one entry per request, path without the query string.
    const keyFrom = freshAddress();
    expect((await call(t.app, 'GET', '/api/probe/service?access_token=not-logged', { headers: { 'x-api-key': made.key }, address: keyFrom })).status).toBe(200);
    const entries = await eventually((all) => all.some((e) => e.client === keyFrom));
    expect(entries.find((e) => e.client === keyFrom)).toMatchObject({
      actor: `api-key:${made.id}`,
      action: 'api-key.use',
      target: `api-key:${made.id}`,
      detail: { method: 'GET', path: '/api/probe/service' },
    });
    expect(JSON.stringify(entries)).not.toContain(made.key.slice(-20));
  });

  it('should record user changes and logout with the admin, the address and what changed, never a password or token', async () => {
    const from = freshAddress();
    const as = { token: adminToken, address: from };
    const created = await call(t.app, 'POST', '/api/users', { ...as, body: { username: 'dave', email: 'dave@example.org', password: VIEWER_PASSWORD, namespaces: ['lab-b'] } });
    expect(created.status).toBe(201);
    expect((await call(t.app, 'PATCH', '/api/users/dave', { ...as, body: { password: NEW_PASSWORD, namespaces: ['lab-a', 'lab-b'] } })).status).toBe(200);
    expect((await call(t.app, 'DELETE', '/api/users/dave', as)).status).toBe(204);
    const rootToken = await tokenFor(t.app, 'root', ADMIN_PASSWORD);
    expect((await call(t.app, 'POST', '/api/auth/logout', { token: rootToken, address: from })).status).toBe(204);
    adminToken = await tokenFor(t.app, 'root', ADMIN_PASSWORD);

    const mine = (await trail()).filter((e) => e.client === from);
    expect(mine.map(({ actor, action, target, detail }) => ({ actor, action, target, detail }))).toEqual([
      { actor: 'user:root', action: 'user.create', target: 'user:dave', detail: { role: 'viewer', namespaces: ['lab-b'] } },
      { actor: 'user:root', action: 'user.update', target: 'user:dave', detail: { changed: ['namespaces', 'password'], namespaces: ['lab-a', 'lab-b'] } },
      { actor: 'user:root', action: 'user.delete', target: 'user:dave', detail: null },
      { actor: 'user:root', action: 'auth.logout', target: 'user:root', detail: null },
    ]);
    const everything = JSON.stringify(await trail());
    expect(everything).not.toMatch(/pass-000|scrypt\$|eyJ/);
  });

  it('should page in seq order, verify the chain, and refuse bad query values naming the field', async () => {
    const all = await trail();
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    const first = await call<Page>(t.app, 'GET', '/api/ui/audit?limit=2', { token: adminToken });
    expect(first.body.entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(first.body.next).toBe(2);
    const second = await call<Page>(t.app, 'GET', `/api/audit?after=${first.body.next}&limit=2`, { headers: SERVICE_HEADERS });
    expect(second.body.entries.map((e) => e.seq)).toEqual([3, 4]);
    const future = await call<Page>(t.app, 'GET', '/api/audit?from=2200-01-01', { headers: SERVICE_HEADERS });
    expect(future.body).toEqual({ entries: [], next: null });

    const verified = await call(t.app, 'GET', '/api/audit/verify', { headers: SERVICE_HEADERS });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ ok: true, entries: expect.any(Number), firstBroken: null, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    for (const [query, field] of [
      ['limit=0', 'limit:'],
      ['limit=abc', 'limit:'],
      ['after=-3', 'after:'],
      ['from=yesterday', 'from:'],
      ['from=2026-12-02&to=2026-12-01', 'to:'],
      ['actor=root', 'actor:'],
    ]) {
      const res = await call<{ code: number; message: string }>(t.app, 'GET', `/api/audit?${query}`, { headers: SERVICE_HEADERS });
      expect({ query, status: res.status, message: res.body.message.startsWith(field) }).toEqual({ query, status: 400, message: true });
    }
  });

  it('should answer 503 to a change it cannot record (and record it later), a sign-in without token, but never fail a failed sign-in', async () => {
    await t.users.create({ username: 'erin', email: 'erin@example.org', password: VIEWER_PASSWORD });
    const from = freshAddress();
    const rename = (a: string, b: string) => t.database.run((ds) => ds.query(`ALTER TABLE "${a}" RENAME TO "${b}"`));
    // The trail away while the rest of the database answers: every append fails.
    await rename('audit_entries', 'audit_entries_away');
    try {
      const deleted = await call<{ code: number; message: string }>(t.app, 'DELETE', '/api/users/erin', { token: adminToken, address: from });
      expect(deleted.status).toBe(503);
      expect(deleted.headers['retry-after']).toBe('5');
      expect(deleted.body.message).toBe('Audit trail unavailable: user.delete could not be recorded (it was done; its entry is retried in the background)');
      expect(await t.users.exists('erin')).toBe(false);

      const refused = await login(t.app, 'lab', VIEWER_PASSWORD, from);
      expect(refused.status).toBe(503);
      expect(refused.body).not.toHaveProperty('accessToken');
      expect((await login(t.app, 'lab', 'Wrong-pass-0002', from)).status).toBe(401);
    } finally {
      await rename('audit_entries_away', 'audit_entries');
    }
    const entries = await eventually((all) => all.filter((e) => e.client === from).length === 2);
    expect(entries.filter((e) => e.client === from).map((e) => e.action)).toEqual(expect.arrayContaining(['user.delete', 'auth.login.failed']));
    expect((await call(t.app, 'GET', '/api/audit/verify', { headers: SERVICE_HEADERS })).body).toMatchObject({ ok: true, firstBroken: null });
  });
});
