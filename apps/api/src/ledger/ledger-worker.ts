import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';

import { HOUR_MS, hourFloor } from '@kube-monitoring/accounting';

import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LedgerStore } from '../database/ledger/ledger-store';
import { ClosedPeriods } from './closed-periods';
import { LedgerRoller, RawSampleCounts } from './ledger-roller';

/** Hours asked of the store per query while rolling. */
const BATCH_HOURS = 24;
/** Hours looked at in one go through a stretch without data (90 days). */
const MAX_EMPTY_BATCH_HOURS = 24 * 90;
/** A round holds the roll lock at most this long, then lets go (and another replica may take over). */
const ROUND_MS = 20_000;
/** Progress is logged at most this often during a backfill. */
const PROGRESS_EVERY_MS = 10_000;
/** Tries of `rollNow` while another replica holds the roll lock, 0.5 s apart. */
const ROLL_NOW_ATTEMPTS = 40;
/** Retry delays after a failed round: doubling from the first to the last. */
const RETRY_MS = { min: 1000, max: 5 * 60_000 };
/** The oldest sample is looked up again after this long (a bulk import may add older data). */
const OLDEST_TTL_MS = HOUR_MS;

/** `GET /api/ledger`. */
export interface LedgerStatus {
  rolledThrough: string | null;
  backfill: { from: string | null; done: boolean; hours: number; hoursDone: number };
  lagSeconds: number;
  podHours: number;
  lastError: string | null;
  /** Closed billing periods whose samples changed after closing: the first late hour and how many (restate to take them). */
  lateData: { period: string; since: string; hours: number }[];
}

/**
 * Fills the ledger inside the API: rolls each hour once it is settled, backfills from the oldest
 * data (oldest first) in the background, re-rolls hours asked for and hours whose samples changed
 * since they were rolled. One round at a time, under the store's roll lock (one replica rolls);
 * a failed round is retried with backoff, and since an hour is written in one transaction that
 * replaces it, no hour is lost or counted twice.
 */
@Injectable()
export class LedgerWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ledger');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastError: string | null = null;
  private retryMs = RETRY_MS.min;
  private oldest: { at: number; hourMs: number | undefined } | undefined;
  private lastRecheckAt = 0;
  private progress = { loggedAt: 0, done: 0, total: 0 };

  constructor(
    private readonly store: LedgerStore,
    private readonly roller: LedgerRoller,
    private readonly closed: ClosedPeriods,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.ledger.enabled) return;
    // Never during boot: the API serves while the ledger fills.
    this.schedule(1000);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Work was asked for (a re-roll): look now rather than at the next poll. */
  wake(): void {
    if (this.config.ledger.enabled) this.schedule(0);
  }

  /**
   * Why the last round failed (null after a round that did not): held in memory, so it is known even
   * while the users' database, and with it `status()`, is unreachable.
   */
  get lastRoundError(): string | null {
    return this.config.ledger.enabled ? this.lastError : null;
  }

  /** The end of the newest settled hour: hours starting before it are rolled. */
  settledEndMs(now = Date.now()): number {
    return hourFloor(now - this.config.ledger.settleMs);
  }

  async status(now = Date.now()): Promise<LedgerStatus> {
    const summary = await this.store.summary();
    const settledEnd = this.settledEndMs(now);
    const from = await this.backfillStart(summary.firstHourMs).catch(() => summary.firstHourMs ?? undefined);
    const hours = from === undefined ? 0 : Math.max(0, (settledEnd - from) / HOUR_MS);
    const unrolled = from === undefined || hours === 0 ? [] : await this.store.unrolledHours(from, settledEnd, hours);
    const rolledThrough = summary.rolledThroughMs;
    return {
      rolledThrough: rolledThrough === null ? null : new Date(rolledThrough).toISOString(),
      backfill: { from: from === undefined ? null : new Date(from).toISOString(), done: from !== undefined && unrolled.length === 0, hours, hoursDone: hours - unrolled.length },
      lagSeconds: Math.max(0, Math.round((settledEnd - (rolledThrough ?? from ?? settledEnd)) / 1000)),
      podHours: summary.podHours,
      lastError: this.config.ledger.enabled ? this.lastError : 'the ledger is off (LEDGER_ENABLED=false)',
      lateData: await this.closed.lateData(),
    };
  }

  /**
   * Rolls some hours now, for a restatement: after this replica's round, under the roll lock; while
   * another replica holds it, tries again for a while, then 503 (the restatement can be asked again).
   */
  async rollNow(hours: readonly number[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await this.running;
      const done = await this.store.withRollLock(async () => {
        for (const hourMs of hours) await this.roller.roll(hourMs);
        return true;
      });
      if (done) {
        this.logger.log(`rolled ${hours.length} late hours of a closed period again, for its restatement`);
        return;
      }
      if (attempt >= ROLL_NOW_ATTEMPTS) throw new ServiceUnavailableException('ledger: another replica is rolling hours; ask for the restatement again in a minute');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), delayMs);
    // The worker never keeps a finishing process alive.
    this.timer.unref();
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.store
      .withRollLock(() => this.round())
      .then(
        (more) => {
          if (this.lastError) this.logger.log('ledger rolling again after the error');
          this.lastError = null;
          this.retryMs = RETRY_MS.min;
          this.schedule(more ? 0 : this.config.ledger.pollMs);
        },
        (err: unknown) => {
          this.lastError = describe(err);
          this.logger.warn(`ledger round failed: ${this.lastError}; retrying in ${Math.round(this.retryMs / 1000)} s`);
          this.schedule(this.retryMs);
          this.retryMs = Math.min(this.retryMs * 2, RETRY_MS.max);
        },
      )
      .finally(() => (this.running = undefined));
  }

  /** One round: re-rolls asked for, then unrolled settled hours oldest first, then the late-sample check. Answers whether work is left. */
  private async round(): Promise<boolean> {
    const deadline = Date.now() + ROUND_MS;
    const settledEnd = this.settledEndMs();
    const summary = await this.store.summary();
    const from = await this.backfillStart(summary.firstHourMs);
    if (from === undefined || from >= settledEnd) return false;
    this.progress.total = (settledEnd - from) / HOUR_MS;
    if (this.progress.done === 0 || this.progress.done > this.progress.total) {
      this.progress.done = this.progress.total - (await this.store.unrolledHours(from, settledEnd, this.progress.total)).length;
    }
    let batchHours = BATCH_HOURS;
    while (!this.stopped) {
      const stale = await this.store.staleHours(BATCH_HOURS);
      if (stale.length > 0) {
        for (const hourMs of stale) {
          const pods = await this.roller.roll(hourMs);
          this.logger.log(`re-rolled ${new Date(hourMs).toISOString()} (${pods} pods), as asked`);
          if (this.stopped || Date.now() > deadline) return !this.stopped;
        }
        continue;
      }
      const todo = await this.store.unrolledHours(from, settledEnd, batchHours);
      if (todo.length === 0) break;
      const busy = await this.busyHours(todo);
      const empty = todo.filter((h) => !busy.has(h));
      // Hours without a sample in or next to them hold nothing: recorded at once, without reading them.
      if (empty.length > 0) {
        await this.store.writeEmptyHours(empty);
        this.noteProgress(empty[empty.length - 1] as number, empty.length);
      }
      // A long stretch without data (a cluster switched off, a backfill start before the data) goes by in big steps.
      batchHours = busy.size === 0 ? Math.min(batchHours * 4, MAX_EMPTY_BATCH_HOURS) : BATCH_HOURS;
      for (const hourMs of todo) {
        if (!busy.has(hourMs)) continue;
        await this.roller.roll(hourMs, busy.get(hourMs));
        this.noteProgress(hourMs, 1);
        if (this.stopped || Date.now() > deadline) return !this.stopped;
      }
    }
    // Hours rolled by a release before the day rollups and kept totals get them, a batch at a time.
    let added = 0;
    for (let n = await this.store.addMissingRollups(BATCH_HOURS); n > 0; n = await this.store.addMissingRollups(BATCH_HOURS)) {
      added += n;
      if (this.stopped || Date.now() > deadline) break;
    }
    if (added > 0) this.logger.log(`gave ${added} hours rolled by an earlier release their day rollups and kept totals`);
    if (this.stopped || Date.now() > deadline) return !this.stopped;
    if (Date.now() - this.lastRecheckAt >= 5 * this.config.ledger.pollMs) {
      this.lastRecheckAt = Date.now();
      await this.recheck(Math.max(from, settledEnd - this.config.ledger.recheckMs), settledEnd);
    }
    return false;
  }

  /**
   * Of some hours, those with samples in them or in the hour before or after (a sample just past an
   * hour's end covers part of it), with their counts: one count per metric and hour, for all of them at once.
   */
  private async busyHours(hours: readonly number[]): Promise<Map<number, RawSampleCounts>> {
    const first = hours[0] as number;
    const end = (hours[hours.length - 1] as number) + HOUR_MS;
    const counts = await this.roller.rawCounts(first - HOUR_MS, end + HOUR_MS);
    const has = (h: number) => Object.values(counts.get(h) ?? {}).some((n) => n > 0);
    return new Map(hours.filter((h) => has(h - HOUR_MS) || has(h) || has(h + HOUR_MS)).map((h) => [h, counts.get(h) ?? {}]));
  }

  /** Rolls again the recent hours whose stored samples changed since they were rolled (a collector backlog). */
  private async recheck(fromMs: number, toMs: number): Promise<void> {
    if (fromMs >= toMs) return;
    const [records, now, closed] = await Promise.all([this.store.hourRecords(fromMs, toMs), this.roller.rawCounts(fromMs, toMs), this.closed.list()]);
    const lateInClosed: number[] = [];
    for (const record of records) {
      const counts = now.get(record.hourMs);
      // Only samples that arrived count: fewer samples is retention or a deletion, and what was rolled is kept.
      if (!counts || !grew(record.rawSamples, counts)) continue;
      const late = Object.keys(counts).reduce((n, k) => n + Math.max(0, (counts[k] ?? 0) - (record.rawSamples[k] ?? 0)), 0);
      // A closed period keeps what it was billed from: the hour is noted, and a restatement rolls it again.
      if (ClosedPeriods.containing(closed, record.hourMs)) {
        lateInClosed.push(record.hourMs);
        continue;
      }
      this.logger.log(`${late} samples landed in ${new Date(record.hourMs).toISOString()} after it was rolled at ${record.rolledAt.toISOString()}; rolling it again`);
      await this.roller.roll(record.hourMs, counts);
      if (this.stopped) return;
    }
    if (lateInClosed.length > 0) {
      const known = new Set(await this.closedLateHours(lateInClosed));
      const fresh = lateInClosed.filter((h) => !known.has(h));
      await this.closed.noteLate(lateInClosed, Date.now());
      for (const h of fresh) {
        const period = ClosedPeriods.containing(closed, h)?.period;
        this.logger.warn(`samples landed in ${new Date(h).toISOString()} of closed period ${period} after it was rolled; kept as billed: restate ${period} to take them`);
      }
    }
  }

  private async closedLateHours(hours: readonly number[]): Promise<number[]> {
    return this.closed.lateHoursBetween(Math.min(...hours), Math.max(...hours) + 1);
  }

  /** The first hour to roll: `LEDGER_BACKFILL_FROM`, else the oldest sample's (or the first rolled hour, if older). */
  private async backfillStart(firstRolledMs: number | null): Promise<number | undefined> {
    const configured = this.config.ledger.backfillFromMs;
    if (configured !== undefined) return hourFloor(configured);
    if (!this.oldest || Date.now() - this.oldest.at > OLDEST_TTL_MS) {
      const oldest = await this.roller.oldestSampleMs();
      this.oldest = { at: Date.now(), hourMs: oldest === undefined ? undefined : hourFloor(oldest) };
    }
    const candidates = [this.oldest.hourMs, firstRolledMs ?? undefined].filter((h): h is number => h !== undefined);
    return candidates.length ? Math.min(...candidates) : undefined;
  }

  private noteProgress(hourMs: number, hours: number): void {
    const p = this.progress;
    p.done = Math.min(p.total, p.done + hours);
    const now = Date.now();
    if (now - p.loggedAt < PROGRESS_EVERY_MS && p.done < p.total) return;
    p.loggedAt = now;
    const pct = p.total > 0 ? ((100 * p.done) / p.total).toFixed(1) : '100.0';
    this.logger.log(`ledger backfill: ${p.done}/${p.total} hours (${pct} %), last rolled ${new Date(hourMs).toISOString()}`);
  }
}

/** Whether some metric holds more samples now than when the hour was rolled. */
function grew(rolled: RawSampleCounts, now: RawSampleCounts): boolean {
  return Object.keys(now).some((k) => (now[k] ?? 0) > (rolled[k] ?? 0));
}

/** A short reason for `lastError` and the log: no query text, no credentials. */
function describe(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const cause = (e as { cause?: unknown }).cause;
  const detail = cause instanceof Error && cause.message && !e.message.includes(cause.message) ? `: ${cause.message}` : '';
  return `${e.message}${detail}`.slice(0, 500);
}
