import { BadRequestException } from '@nestjs/common';

import { AuditDraft, AuditEntry, chainAfter } from '../database/audit/audit-chain';
import type { AuditPageQuery, AuditStore } from '../database/audit/audit-store';
import { UserDatabaseUnavailableException } from '../database/user-database';
import { AuditService, AuditServiceOptions, AuditTrailUnavailableException } from './audit.service';

/** The store's contract in memory (the SQL store has its own suite on SQLite and PostgreSQL). */
class MemoryStore {
  readonly entries: AuditEntry[] = [];
  readonly batches: number[] = [];
  down = false;
  hang = false;

  async append(drafts: readonly AuditDraft[]): Promise<AuditEntry[]> {
    if (this.hang) return new Promise(() => undefined);
    // As the real store fails while the database is away (the SQL parameters ride on the cause).
    if (this.down) throw new UserDatabaseUnavailableException(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', parameters: ['user:alice'] }));
    const appended = chainAfter(this.entries[this.entries.length - 1], drafts);
    this.entries.push(...appended);
    this.batches.push(drafts.length);
    return appended;
  }

  async page(q: AuditPageQuery): Promise<AuditEntry[]> {
    return this.entries
      .filter((e) => e.seq > q.afterSeq && (q.fromMs === undefined || Date.parse(e.at) >= q.fromMs) && (q.toMs === undefined || Date.parse(e.at) < q.toMs))
      .slice(0, q.limit);
  }
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe(AuditService.name, () => {
  let store: MemoryStore;
  let logs: string[];
  const make = (options: AuditServiceOptions = {}) => {
    logs = [];
    const logger = { log: (m: string) => logs.push(`log ${m}`), warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`) };
    return new AuditService(store as unknown as AuditStore, { retryDelayMs: { min: 5, max: 20 }, logger, ...options });
  };
  beforeEach(() => (store = new MemoryStore()));

  describe('record', () => {
    it('should write the entry before it resolves', async () => {
      const audit = make();
      await audit.record({ actor: 'user:root', client: '192.0.2.1', action: 'user.delete', target: 'user:bob' });
      expect(store.entries).toMatchObject([{ seq: 1, actor: 'user:root', client: '192.0.2.1', action: 'user.delete', target: 'user:bob', detail: null }]);
    });

    it('should fail with 503 and Retry-After when the entry cannot be written, and write it once the database is back', async () => {
      const audit = make();
      store.down = true;
      const failed = audit.record({ actor: 'service', action: 'ledger.reroll', detail: { hours: 2 } });
      await expect(failed).rejects.toBeInstanceOf(AuditTrailUnavailableException);
      await expect(failed).rejects.toMatchObject({ status: 503, headers: { 'retry-after': '5' }, message: expect.stringContaining('ledger.reroll could not be recorded') });
      // The cause keeps the reason, not the entry's SQL parameters.
      const cause = ((await failed.catch((e: unknown) => e)) as Error).cause as Error & { parameters?: unknown };
      expect(cause.parameters).toBeUndefined();
      expect(audit.pending).toBe(1);
      store.down = false;
      await until(() => store.entries.length === 1);
      expect(store.entries[0]).toMatchObject({ action: 'ledger.reroll', detail: { hours: 2 } });
    });

    it('should not retry what did not happen (a sign-in whose token was not handed out)', async () => {
      const audit = make();
      store.down = true;
      await expect(audit.record({ actor: 'user:alice', action: 'auth.login' }, { retry: false })).rejects.toMatchObject({ status: 503 });
      expect(audit.pending).toBe(0);
    });
  });

  describe('recordInBackground', () => {
    it('should never throw, and append the entries of one moment in one transaction', async () => {
      const audit = make();
      for (let i = 0; i < 5; i++) audit.recordInBackground({ actor: 'api-key:0123456789abcdef', action: 'api-key.use', detail: { i } });
      expect(store.entries).toEqual([]);
      await until(() => store.entries.length === 5);
      expect(store.batches).toEqual([5]);
      expect(store.entries.map((e) => (e.detail as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
    });

    it('should keep entries while the database is away, retry with backoff, log the outage once and the recovery', async () => {
      const audit = make();
      store.down = true;
      audit.recordInBackground({ actor: 'anonymous', client: '198.51.100.1', action: 'auth.login.failed', target: 'user:root' });
      await until(() => logs.some((l) => l.startsWith('warn')));
      for (let i = 0; i < 3; i++) audit.recordInBackground({ actor: 'service', action: 'usage.report' });
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(logs.filter((l) => l.startsWith('warn'))).toHaveLength(1);
      expect(logs.join('\n')).not.toContain('user:root');
      store.down = false;
      await until(() => store.entries.length === 4);
      expect(store.entries.map((e) => e.action)).toEqual(['auth.login.failed', 'usage.report', 'usage.report', 'usage.report']);
      expect(logs[logs.length - 1]).toBe('log audit trail: database back, writing the entries that waited');
    });

    it('should bound the backlog, and say how many entries were dropped', async () => {
      const audit = make({ maxBacklog: 3 });
      store.down = true;
      for (let i = 0; i < 5; i++) audit.recordInBackground({ actor: 'service', action: 'usage.report', detail: { i } });
      expect(audit.pending).toBe(3);
      expect(logs.filter((l) => l.startsWith('error'))).toHaveLength(1);
      await until(() => logs.some((l) => l.startsWith('warn')));
      store.down = false;
      await until(() => store.entries.length === 3);
      expect(logs[logs.length - 1]).toBe('error audit trail: 2 entries were dropped while the backlog was full');
    });

    it('should write in batches of at most batchSize', async () => {
      const audit = make({ batchSize: 4 });
      for (let i = 0; i < 10; i++) audit.recordInBackground({ actor: 'service', action: 'usage.report' });
      await until(() => store.entries.length === 10);
      expect(store.batches).toEqual([4, 4, 2]);
    });
  });

  describe('shutdown', () => {
    it('should write what is waiting before the database closes', async () => {
      const audit = make();
      audit.recordInBackground({ actor: 'service', action: 'usage.export' });
      await audit.beforeApplicationShutdown();
      expect(store.entries).toHaveLength(1);
    });

    it('should not be held by a database that does not answer, and say what was lost', async () => {
      const audit = make({ shutdownFlushMs: 30 });
      store.hang = true;
      audit.recordInBackground({ actor: 'service', action: 'usage.export' });
      const started = Date.now();
      await audit.beforeApplicationShutdown();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(logs[logs.length - 1]).toBe('error audit trail: 1 entries could not be written before shutdown and are lost');
    });
  });

  describe('reading', () => {
    const fill = async (audit: AuditService, n: number) => {
      for (let i = 0; i < n; i++) await audit.record({ actor: 'service', action: 'usage.report', detail: { i } });
    };

    it('should page in seq order, with the cursor of the next page', async () => {
      const audit = make();
      await fill(audit, 5);
      const first = await audit.list({ limit: 2 });
      expect(first.entries.map((e) => e.seq)).toEqual([1, 2]);
      expect(first.next).toBe(2);
      const last = await audit.list({ limit: 3, after: 2 });
      expect(last.entries.map((e) => e.seq)).toEqual([3, 4, 5]);
      expect(last.next).toBeNull();
    });

    it('should refuse a period whose end is not after its start, naming to', async () => {
      const audit = make();
      await expect(audit.list({ from: new Date('2026-12-02'), to: new Date('2026-12-01') })).rejects.toThrow(new BadRequestException('to: must be after from'));
    });

    it('should verify a trail longer than a page, and name an edited entry', async () => {
      const audit = make();
      await fill(audit, 2345);
      expect(await audit.verify()).toEqual({ ok: true, entries: 2345, firstBroken: null, lastHash: store.entries[2344]?.hash });
      store.entries[1500] = { ...(store.entries[1500] as AuditEntry), actor: 'user:mallory' };
      expect(await audit.verify()).toMatchObject({ ok: false, entries: 2345, firstBroken: 1501 });
    });
  });
});
