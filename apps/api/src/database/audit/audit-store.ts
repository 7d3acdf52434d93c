import type { DataSource, EntityManager } from 'typeorm';

import { BoundParameters } from '../bound-parameters';
import { UserDatabase } from '../user-database';
import { auditDetail, AuditDraft, AuditEntry, auditInstant, chainAfter } from './audit-chain';

/**
 * Any 32-bit number unique to this application and purpose ("kmau"): PostgreSQL appends of every
 * API replica take it for their transaction, so two replicas never link to the same predecessor.
 */
export const AUDIT_LOCK_KEY = 0x6b6d6175;

const COLUMNS = ['seq', 'at', 'actor', 'client', 'action', 'target', 'detail', 'prev_hash', 'hash'] as const;
const SELECT = `SELECT ${COLUMNS.map((c) => `"${c}"`).join(', ')} FROM "audit_entries"`;
/** Rows of one INSERT: 9 parameters each, far below either driver's limit. */
const ROWS_PER_INSERT = 100;

export interface AuditPageQuery {
  /** Entries after this seq (0: from the first). */
  afterSeq: number;
  limit: number;
  /** Entries that happened at or after this instant (epoch ms). */
  fromMs?: number;
  /** … and before this one. */
  toMs?: number;
}

/**
 * The audit trail (`audit_entries`), raw SQL with bound parameters. Appends are serialised across
 * processes: on PostgreSQL by a transaction-scoped advisory lock, on SQLite by a write transaction
 * taken at its start (`BEGIN IMMEDIATE`: the file's single writer lock), so the newest entry read
 * inside is still the newest when the new ones are inserted. The primary key on `seq` and the
 * unique `prev_hash` refuse a fork even if that were ever bypassed; triggers refuse UPDATE and
 * DELETE (see the migration).
 */
export class AuditStore {
  constructor(private readonly database: UserDatabase) {}

  /** Appends the drafts, in their order, in one transaction; answers them numbered and linked. */
  async append(drafts: readonly AuditDraft[]): Promise<AuditEntry[]> {
    if (drafts.length === 0) return [];
    if (this.database.type === 'postgres') {
      return this.database.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
        return this.appendLocked(manager, drafts);
      });
    }
    // UserDatabase.run queues this process's SQLite operations, so nothing else runs on the shared
    // connection between BEGIN and COMMIT; BEGIN IMMEDIATE waits (busy timeout) for other processes.
    return this.database.run(async (ds) => {
      await ds.query('BEGIN IMMEDIATE');
      try {
        const entries = await this.appendLocked(ds, drafts);
        await ds.query('COMMIT');
        return entries;
      } catch (err) {
        await ds.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /** Entries in seq order after `afterSeq`, optionally only those that happened in [fromMs, toMs). */
  async page(query: AuditPageQuery): Promise<AuditEntry[]> {
    const p = new BoundParameters(this.database.type);
    const where = [`"seq" > ${p.add(query.afterSeq)}`];
    if (query.fromMs !== undefined) where.push(`"at" >= ${p.add(query.fromMs)}`);
    if (query.toMs !== undefined) where.push(`"at" < ${p.add(query.toMs)}`);
    const sql = `${SELECT} WHERE ${where.join(' AND ')} ORDER BY "seq" LIMIT ${p.add(query.limit)}`;
    const rows = (await this.database.run((ds) => ds.query(sql, p.values))) as Row[];
    return rows.map(entryOf);
  }

  private async appendLocked(runner: DataSource | EntityManager, drafts: readonly AuditDraft[]): Promise<AuditEntry[]> {
    const [last] = (await runner.query(`SELECT "seq", "hash" FROM "audit_entries" ORDER BY "seq" DESC LIMIT 1`)) as Row[];
    // `pg` answers bigint as text.
    const entries = chainAfter(last ? { seq: Number(last['seq']), hash: String(last['hash']) } : undefined, drafts);
    for (let start = 0; start < entries.length; start += ROWS_PER_INSERT) {
      const p = new BoundParameters(this.database.type);
      const values = entries
        .slice(start, start + ROWS_PER_INSERT)
        .map((e, j) => {
          const d = drafts[start + j] as AuditDraft;
          return `(${p.list([e.seq, d.atMs, d.actor, d.client, d.action, d.target, d.detailJson, e.prev, e.hash])})`;
        })
        .join(', ');
      await runner.query(`INSERT INTO "audit_entries" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES ${values}`, p.values);
    }
    return entries;
  }
}

type Row = Record<string, unknown>;

/**
 * A stored row as an entry. Lenient where SQLite's loose typing lets a tampered row hold anything:
 * such a row must come out as it is (and fail verification), not fail the read.
 */
function entryOf(r: Row): AuditEntry {
  const atMs = Number(r['at']);
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    seq: Number(r['seq']),
    at: Number.isFinite(atMs) && Math.abs(atMs) <= 8.64e15 ? auditInstant(atMs) : String(r['at']),
    actor: String(r['actor']),
    client: text(r['client']),
    action: String(r['action']),
    target: text(r['target']),
    detail: auditDetail(text(r['detail'])),
    prev: String(r['prev_hash']),
    hash: String(r['hash']),
  };
}
