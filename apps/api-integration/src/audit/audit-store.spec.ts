import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

import { auditDraft } from '../../../api/src/audit/audit-draft';
import { AuditService } from '../../../api/src/audit/audit.service';
import { AuditStore } from '../../../api/src/database/audit/audit-store';
import { UserDatabase } from '../../../api/src/database/user-database';
import { Backend, BACKENDS, startBackend, Store } from '../users/support/backends';
import { runCli } from '../users/support/cli';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const ROOT = resolve(__dirname, '../../../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const REPLICA = ['--tsconfig', 'apps/api/tsconfig.app.json', 'apps/api-integration/src/audit/support/append-entries.ts'];

/** Another process appending to the same store (support/append-entries.ts), started and waiting for `go`. */
interface Replica {
  child: ChildProcess;
  ready: Promise<void>;
  done: Promise<void>;
}

function startReplica(env: Record<string, string>, actor: string, count: number): Replica {
  const child = spawn(TSX, REPLICA, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env, AUDIT_ACTOR: actor, AUDIT_COUNT: String(count) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const ready = new Promise<void>((res, rej) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready\n')) res();
    });
    child.on('close', () => rej(new Error(`replica ${actor} ended before it was ready: ${err}`)));
  });
  const done = new Promise<void>((res, rej) =>
    child.on('close', (code) => (code === 0 && out.includes('done\n') ? res() : rej(new Error(`replica ${actor} failed (${code}): ${err}`)))),
  );
  ready.catch(() => undefined);
  return { child, ready, done };
}

describe.each(BACKENDS)('audit trail store on %s', (kind) => {
  let backend: Backend;
  let store: Store;
  let database: UserDatabase;
  let entries: AuditStore;
  let audit: AuditService;

  beforeAll(async () => {
    backend = await startBackend(kind);
  });
  afterAll(async () => {
    await backend.dispose();
  });
  beforeEach(async () => {
    store = await backend.freshStore();
    database = new UserDatabase(store.config, { logger: quiet });
    await database.connect();
    entries = new AuditStore(database);
    audit = new AuditService(entries, { logger: quiet });
  });
  afterEach(async () => {
    await database.close();
  });

  const sql = (text: string, parameters: unknown[] = []) => database.run((ds) => ds.query(text, parameters));
  const p = (n: number) => (kind === 'postgres' ? `$${n}` : '?');

  /** What someone with the database owner's rights does first: the triggers are no obstacle to them. */
  const dropAppendOnlyTriggers = async () => {
    if (kind === 'postgres') {
      await sql('DROP TRIGGER "TRG_audit_entries_append_only" ON "audit_entries"');
    } else {
      await sql('DROP TRIGGER "TRG_audit_entries_no_update"');
      await sql('DROP TRIGGER "TRG_audit_entries_no_delete"');
    }
  };

  const fill = async (n: number) => {
    for (let i = 1; i <= n; i++) {
      await audit.record({
        actor: i % 2 ? 'user:alice' : 'service',
        client: i % 3 ? `192.0.2.${i}` : null,
        action: 'test.append',
        target: i % 4 ? `user:u${i}` : null,
        detail: { i, ünïcode: 'é✓' },
      });
    }
  };

  it('should keep entries exactly, in seq order, and page by seq and by instant', async () => {
    const t0 = Date.UTC(2026, 11, 7, 10);
    const appended = await entries.append(
      [0, 1, 2, 3].map((i) =>
        auditDraft({ actor: 'user:root', client: '2001:db8::1', action: 'user.update', target: 'user:bob', detail: { changed: ['role'], i } }, t0 + i * 60_000),
      ),
    );
    expect(appended.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(await entries.page({ afterSeq: 0, limit: 10 })).toEqual(appended);
    expect((await entries.page({ afterSeq: 1, limit: 2 })).map((e) => e.seq)).toEqual([2, 3]);
    expect((await entries.page({ afterSeq: 0, limit: 10, fromMs: t0 + 60_000, toMs: t0 + 180_000 })).map((e) => e.seq)).toEqual([2, 3]);
    expect(appended[0]).toMatchObject({ at: '2026-12-07T10:00:00.000Z', client: '2001:db8::1', detail: { changed: ['role'], i: 0 }, prev: '0'.repeat(64) });
  });

  it('should verify an intact trail, then name exactly the row edited in the database', async () => {
    await fill(12);
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 12, firstBroken: null });
    await dropAppendOnlyTriggers();
    await sql(`UPDATE "audit_entries" SET "detail" = ${p(1)} WHERE "seq" = ${p(2)}`, ['{"i":7,"ünïcode":"forged"}', 7]);
    expect(await audit.verify()).toEqual({ ok: false, entries: 12, firstBroken: 7, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it.each([
    ['an actor rewritten', `UPDATE "audit_entries" SET "actor" = 'user:mallory' WHERE "seq" = 4`, 4],
    ['an instant moved', `UPDATE "audit_entries" SET "at" = "at" + 1 WHERE "seq" = 5`, 5],
    ['a row deleted', `DELETE FROM "audit_entries" WHERE "seq" = 3`, 4],
  ])('should name the entry broken by %s', async (_what, statement, broken) => {
    await fill(6);
    await dropAppendOnlyTriggers();
    await sql(statement);
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: broken });
  });

  it('should refuse to change or delete an entry (append-only), whatever the SQL', async () => {
    await fill(3);
    await expect(sql(`UPDATE "audit_entries" SET "actor" = 'user:mallory' WHERE "seq" = 2`)).rejects.toThrow(/append-only/);
    await expect(sql(`DELETE FROM "audit_entries" WHERE "seq" = 3`)).rejects.toThrow(/append-only/);
    if (kind === 'postgres') await expect(sql('TRUNCATE "audit_entries"')).rejects.toThrow(/append-only/);
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 3 });
  });

  it('should refuse a fork: a second entry after the same predecessor', async () => {
    const [first] = await entries.append([auditDraft({ actor: 'system', action: 'test.one' })]);
    const forged = [2, 1, 'system', null, 'test.fork', null, null, first?.hash, 'f'.repeat(64)];
    const insert = `INSERT INTO "audit_entries" ("seq", "at", "actor", "client", "action", "target", "detail", "prev_hash", "hash") VALUES (${forged.map((_, i) => p(i + 1)).join(', ')})`;
    await entries.append([auditDraft({ actor: 'system', action: 'test.two' })]);
    await expect(sql(insert, forged)).rejects.toThrow();
    await expect(sql(insert, [3, ...forged.slice(1)])).rejects.toThrow();
  });

  it("should record the users CLI's changes as the actor cli, without a client, and never the password", async () => {
    const password = 'Cli-pass-000001';
    const created = await runCli(['createuser', '--username=frank', '--email=frank@example.org', '--role=admin', '--password-stdin'], store.env, `${password}\n`);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect((await runCli(['changepassword', '--username=frank', '--password-stdin'], store.env, 'Cli-pass-000002\n')).code).toBe(0);
    const all = await entries.page({ afterSeq: 0, limit: 10 });
    expect(all.map(({ actor, client, action, target, detail }) => ({ actor, client, action, target, detail }))).toEqual([
      { actor: 'cli', client: null, action: 'user.create', target: 'user:frank', detail: { role: 'admin', namespaces: ['*'] } },
      { actor: 'cli', client: null, action: 'user.update', target: 'user:frank', detail: { changed: ['password'] } },
    ]);
    expect(JSON.stringify(all)).not.toContain('Cli-pass');
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('should keep one gapless chain when several processes and requests append at once', async () => {
    // Migrated by this process first; each replica then connects to the migrated store.
    const replicas = [startReplica(store.env, 'api-key:replica-a', 40), startReplica(store.env, 'api-key:replica-b', 40)];
    await Promise.all(replicas.map((r) => r.ready));
    for (const r of replicas) r.child.stdin?.end('go\n');
    const here = Promise.all(Array.from({ length: 40 }, (_, i) => audit.record({ actor: 'service', action: 'test.append', detail: { i } })));
    await Promise.all([here, ...replicas.map((r) => r.done)]);

    const all = await entries.page({ afterSeq: 0, limit: 1000 });
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    for (const actor of ['service', 'api-key:replica-a', 'api-key:replica-b']) {
      expect(
        all
          .filter((e) => e.actor === actor)
          .map((e) => (e.detail as { i: number }).i)
          .sort((a, b) => a - b),
      ).toEqual(Array.from({ length: 40 }, (_, i) => i));
    }
    expect(await audit.verify()).toMatchObject({ ok: true, entries: 120, firstBroken: null });
  });
});
