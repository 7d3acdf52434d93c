import { BadRequestException, BeforeApplicationShutdown, Logger, ServiceUnavailableException } from '@nestjs/common';

import { AuditChainCheck, AuditDraft, AuditEntry, AuditVerification } from '../database/audit/audit-chain';
import { AuditStore } from '../database/audit/audit-store';
import { withoutQueryDetails } from '../database/connection-errors';
import { auditDraft, AuditRecord } from './audit-draft';

/**
 * 503 for a request whose audit entry could not be written: a change is not confirmed to the caller
 * without its entry (the entry itself is kept and retried, since the change was made).
 */
export class AuditTrailUnavailableException extends ServiceUnavailableException {
  readonly headers = { 'retry-after': '5' };

  constructor(action: string, retried: boolean, cause: unknown) {
    super(`Audit trail unavailable: ${action} could not be recorded${retried ? ' (it was done; its entry is retried in the background)' : ''}`, {
      cause: withoutQueryDetails(cause),
    });
  }
}

export interface AuditServiceOptions {
  /** Background retries wait so long, doubling from `min` to `max`, ms. */
  retryDelayMs?: { min: number; max: number };
  /** Entries waiting to be written at most; more are dropped (and counted in the log). */
  maxBacklog?: number;
  /** Entries appended in one transaction at most. */
  batchSize?: number;
  /** How long shutdown waits for the backlog, ms. */
  shutdownFlushMs?: number;
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
}

export interface AuditPageRequest {
  from?: Date;
  to?: Date;
  /** Entries after this seq. */
  after?: number;
  limit?: number;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** `after` of the next page, or null when this page is the last. */
  next: number | null;
}

export const AUDIT_PAGE_DEFAULT = 100;
export const AUDIT_PAGE_MAX = 1000;
/** Entries read per page while verifying: the chain is checked as it streams by, never held whole. */
const VERIFY_PAGE = 1000;

/**
 * The audit trail for every feature. Two ways to write, by what a missing entry would cost:
 *
 * - `record()` for changes and sign-ins: waits for the entry; when it cannot be written the request
 *   fails with 503 (`AuditTrailUnavailableException`) instead of confirming something unrecorded.
 *   A change is already made by then, so its entry is also queued for the background retry;
 *   a sign-in passes `{ retry: false }`, since no token is handed out.
 * - `recordInBackground()` for reads and failed sign-ins: never delays or fails the request; the
 *   entry is queued, appended with others in one transaction, and retried with backoff while the
 *   database is away (logged once per outage, and how many were lost if the backlog overflows).
 */
export class AuditService implements BeforeApplicationShutdown {
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  private readonly retryDelay: { min: number; max: number };
  private readonly maxBacklog: number;
  private readonly batchSize: number;
  private readonly shutdownFlushMs: number;
  private readonly backlog: AuditDraft[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private nextDelayMs: number;
  private failing = false;
  private dropped = 0;

  constructor(
    private readonly store: AuditStore,
    options: AuditServiceOptions = {},
  ) {
    this.logger = options.logger ?? new Logger('AuditTrail');
    this.retryDelay = options.retryDelayMs ?? { min: 1000, max: 30_000 };
    this.maxBacklog = options.maxBacklog ?? 10_000;
    this.batchSize = options.batchSize ?? 200;
    this.shutdownFlushMs = options.shutdownFlushMs ?? 2000;
    this.nextDelayMs = this.retryDelay.min;
  }

  /** Writes the entry now; 503 when it cannot (and, unless `retry: false`, retries it in the background). */
  async record(entry: AuditRecord, options: { retry?: boolean } = {}): Promise<void> {
    const draft = auditDraft(entry);
    const retry = options.retry !== false;
    try {
      await this.store.append([draft]);
    } catch (err) {
      this.logger.error(`audit trail: ${draft.action} by ${draft.actor} could not be written (${describe(err)})${retry ? '; retrying in the background' : ''}`);
      if (retry) this.enqueue(draft, this.retryDelay.min);
      throw new AuditTrailUnavailableException(draft.action, retry, err);
    }
  }

  /** Queues the entry; it is written within moments, or retried until the database is back. Never throws. */
  recordInBackground(entry: AuditRecord): void {
    let draft: AuditDraft;
    try {
      draft = auditDraft(entry);
    } catch (err) {
      // Only a bug in the caller gets here; the request it records must not fail for it.
      this.logger.error(`audit trail: ${entry.action} could not be recorded (${describe(err)})`);
      return;
    }
    this.enqueue(draft, 0);
  }

  /** Entries waiting for the background writer. */
  get pending(): number {
    return this.backlog.length;
  }

  /** A page of entries in seq order. */
  async list(request: AuditPageRequest): Promise<AuditPage> {
    const { from, to } = request;
    if (from && to && to.getTime() <= from.getTime()) throw new BadRequestException('to: must be after from');
    const limit = request.limit ?? AUDIT_PAGE_DEFAULT;
    // One more than asked: whether a next page exists, without counting.
    const rows = await this.store.page({ afterSeq: request.after ?? 0, limit: limit + 1, fromMs: from?.getTime(), toMs: to?.getTime() });
    const entries = rows.slice(0, limit);
    return { entries, next: rows.length > limit ? (entries[entries.length - 1]?.seq ?? null) : null };
  }

  /** Recomputes the whole chain, page by page. */
  async verify(): Promise<AuditVerification> {
    const check = new AuditChainCheck();
    let after = 0;
    for (;;) {
      const page = await this.store.page({ afterSeq: after, limit: VERIFY_PAGE });
      for (const entry of page) check.add(entry);
      if (page.length < VERIFY_PAGE) return check.result();
      after = (page[page.length - 1] as AuditEntry).seq;
    }
  }

  /** Before the database closes: one last try at the backlog, bounded so shutdown is never held. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.backlog.length > 0 || this.flushing) {
      let timeout: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => (timeout = setTimeout(resolve, this.shutdownFlushMs)));
      const lastTry = (this.flushing ?? Promise.resolve()).then(() => this.flush());
      await Promise.race([lastTry, expired]);
      clearTimeout(timeout);
    }
    if (this.backlog.length > 0) this.logger.error(`audit trail: ${this.backlog.length} entries could not be written before shutdown and are lost`);
    this.backlog.length = 0;
  }

  private enqueue(draft: AuditDraft, delayMs: number): void {
    if (this.backlog.length >= this.maxBacklog) {
      if (this.dropped++ === 0) this.logger.error(`audit trail: ${this.maxBacklog} entries are waiting to be written; further entries are dropped until there is room`);
      return;
    }
    this.backlog.push(draft);
    this.schedule(delayMs);
  }

  /**
   * One writer at a time: a running flush takes what arrives meanwhile, and while the database is
   * away the pending retry timer stands for every new entry, so the backoff holds.
   */
  private schedule(delayMs: number): void {
    if (this.timer || this.flushing || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().then((retryInMs) => {
        this.flushing = undefined;
        if (retryInMs !== undefined) this.schedule(retryInMs);
      });
    }, delayMs);
    // A finishing process (CLI, tests) is not kept alive by it; shutdown flushes what is left.
    this.timer.unref();
  }

  /** Appends the backlog in batches until it is empty; on a failure answers when to try again. */
  private async flush(): Promise<number | undefined> {
    while (this.backlog.length > 0) {
      const batch = this.backlog.slice(0, this.batchSize);
      try {
        await this.store.append(batch);
      } catch (err) {
        if (!this.failing) this.logger.warn(`audit trail: ${this.backlog.length} entries wait for the database (${describe(err)}); retrying with backoff`);
        this.failing = true;
        const delay = this.nextDelayMs;
        this.nextDelayMs = Math.min(this.nextDelayMs * 2, this.retryDelay.max);
        return delay;
      }
      this.backlog.splice(0, batch.length);
      if (this.failing) {
        this.failing = false;
        this.nextDelayMs = this.retryDelay.min;
        this.logger.log('audit trail: database back, writing the entries that waited');
      }
      if (this.dropped > 0) {
        this.logger.error(`audit trail: ${this.dropped} entries were dropped while the backlog was full`);
        this.dropped = 0;
      }
    }
    return undefined;
  }
}

/** A failure's message for the log: never its SQL parameters (the entry's content). */
function describe(err: unknown): string {
  return withoutQueryDetails(err)?.message ?? 'unknown error';
}
