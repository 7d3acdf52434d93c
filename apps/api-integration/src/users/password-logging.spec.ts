/**
 * A users-table write that PostgreSQL cannot finish in time (a row held by another transaction) is
 * answered 503, and the error logged for it holds neither the new password's hash nor the password:
 * TypeORM's QueryFailedError carries the statement's bound parameters, and it is the 503's cause.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from 'pg';

import { Backend, startBackend, Store } from './support/backends';
import { call, tokenFor } from './support/http';
import { createTestApp, TestApp } from './support/test-app';

const ADMIN_PASSWORD = 'Admin-pass-for-lock-test-1';
const NEW_PASSWORD = 'Changed-while-locked-pw-42';
const NEWCOMER_PASSWORD = 'Newcomer-while-locked-pw-7';

function allLogs(t: TestApp): string {
  const files = readdirSync(t.logDir).map((f) => readFileSync(join(t.logDir, f), 'utf8'));
  return [t.stdout(), ...files, t.logs.lines.join('\n')].join('\n');
}

async function eventually(what: string, probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('users-table writes that time out in PostgreSQL', () => {
  let backend: Backend;
  let store: Store;
  let t: TestApp;
  const lockHolders: Client[] = [];

  beforeAll(async () => {
    backend = await startBackend('postgres');
    store = await backend.freshStore();
    t = await createTestApp(store.env);
    await t.users.create({ username: 'root', email: 'root@example.org', password: ADMIN_PASSWORD, role: 'admin' });
    await t.users.create({ username: 'target', email: 'target@example.org', password: 'Target-initial-pw-1', role: 'viewer' });
  });
  afterAll(async () => {
    for (const c of lockHolders) await c.end().catch(() => undefined);
    await t?.close();
    await backend?.dispose();
  });

  /** A transaction of another client that holds what `sql` locks until `release()`. */
  async function hold(sql: string): Promise<{ release(): Promise<void> }> {
    const client = new Client({ connectionString: store.env['DATABASE_URL'] });
    lockHolders.push(client);
    await client.connect();
    await client.query('BEGIN');
    await client.query(sql);
    return { release: async () => void (await client.query('ROLLBACK')) };
  }

  it('should answer 503 to a password change and a new user and log no hash and no password', async () => {
    const token = await tokenFor(t.app, 'root', ADMIN_PASSWORD);
    // The target's row is locked: the UPDATE carrying the new hash waits past the query timeout.
    const rowLock = await hold(`SELECT id FROM users WHERE username = 'target' FOR UPDATE`);
    // An uncommitted row with the same username: the INSERT waits on the unique index.
    const insertLock = await hold(`INSERT INTO users (username, email, password_hash) VALUES ('newcomer', 'n@example.org', 'x')`);
    try {
      const [patched, created] = await Promise.all([
        call(t.app, 'PATCH', '/api/users/target', { token, body: { password: NEW_PASSWORD } }),
        call(t.app, 'POST', '/api/users', { token, body: { username: 'newcomer', email: 'newcomer@example.org', password: NEWCOMER_PASSWORD, role: 'viewer' } }),
      ]);
      expect(patched).toMatchObject({ status: 503, body: { code: 503, message: 'User database unavailable' } });
      expect(created).toMatchObject({ status: 503, body: { code: 503, message: 'User database unavailable' } });
    } finally {
      await rowLock.release();
      await insertLock.release();
    }

    // Both failures were logged (errors.log is written asynchronously) ...
    const errorsLog = () => readFileSync(join(t.logDir, 'errors.log'), 'utf8');
    await eventually('both 503s in errors.log', () => (errorsLog().match(/"status":503/g) ?? []).length >= 2);
    const logs = allLogs(t);
    expect(logs).toContain('Query read timeout');
    // ... without the statement's parameters, the statement, or the passwords.
    expect(logs).not.toMatch(/scrypt\$/);
    expect(logs).not.toContain('password_hash');
    expect(logs).not.toContain(NEW_PASSWORD);
    expect(logs).not.toContain(NEWCOMER_PASSWORD);
  }, 60_000);
});
