import { DataSource } from 'typeorm';

import {
  compareNames,
  comparePods,
  decodeSteps,
  emptyFigures,
  encodeSteps,
  HOUR_MS,
  hourCeil,
  LedgerReader,
  MetricHour,
  NamespaceFilter,
  NamespaceSteps,
  PodFigures,
  podId,
  PodKey,
  SeriesFigures,
  StoredNamespaceHour,
  totalOfHours,
  touchesPeriod,
} from '@kube-monitoring/accounting';

import { UserDatabase } from '../user-database';
import { ALLOCATION_VERSION, LEDGER_METRICS, ledgerMetric, ledgerMetricKey, LedgerMetricKey } from './ledger-metrics';
import { DAY_MS, EVERYTHING, keptSelectionOf, keptTotalsOfHour, planRanges, ReadPlan, ROLLUP_VERSION } from './ledger-rollups';
import {
  blobFrom,
  blobToSql,
  BoundParameters,
  chunked,
  Dialect,
  flagFrom,
  floatFrom,
  instantFrom,
  instantToSql,
  intFrom,
  MAX_BOUND_PARAMETERS,
  maxFrom,
  maxToSql,
} from './ledger-sql';
import { PodLabelsOfHour, replacePodLabels } from './pod-labels-store';

/** What is kept of a rolled hour besides its figures. */
export interface LedgerHourRecord {
  hourMs: number;
  rolledAt: Date;
  /** A re-roll was asked for (late samples); the hour still answers until it is re-written. */
  stale: boolean;
  /** Per metric, the raw sample count the roll read, which the late-sample check compares with. */
  rawSamples: Record<string, number>;
}

export interface LedgerSummary {
  firstHourMs: number | null;
  /** End of the last hour of the unbroken run of rolled hours from the first one. */
  rolledThroughMs: number | null;
  /** Pods summed over the rolled hours. */
  podHours: number;
}

export interface LedgerStoreOptions {
  /** The clock stamping `rolled_at`, epoch ms. */
  now?: () => number;
}

/** Any 32-bit number unique to this application, other than the migration lock's ("kmus"). */
const ROLL_LOCK_KEY = 0x6b6d6c72; // "kmlr"

/** Figures columns of a pod-hour, per metric key, in insertion order. */
const FIGURE_COLUMNS = ['integral', 'increase', 'covered_ms', 'samples', 'sum', 'max'] as const;

/** Hours looked up at a time when listing the unrolled ones. */
const UNROLLED_WINDOW_MS = 31 * 24 * HOUR_MS;

type Row = Record<string, unknown>;
type Query = (sql: string, parameters: unknown[]) => Promise<Row[]>;

/**
 * The usage ledger in the users' database (SQLite file or PostgreSQL): rolled hours per pod and per
 * namespace, read by reports through `LedgerReader` and written an hour at a time by the roller.
 * Every call goes through `UserDatabase.run`, so an outage answers 503 and SQLite's single
 * connection is shared in turn. Raw SQL with bound parameters, summed by the database: whole days
 * from their rollups (a row per pod and day), the other hours from the hourly rows, and the totals
 * reports ask for by default from the kept totals, without a step series (see `ledger-rollups.ts`).
 */
export class LedgerStore implements LedgerReader {
  readonly metrics: readonly string[] = LEDGER_METRICS.map((m) => m.metric);
  private readonly now: () => number;
  private readonly podReads = new Map<string, Promise<Map<LedgerMetricKey, PodFigures[]>>>();
  /** Reads under way that answer the same for every metric of a report, shared while they run (never kept after). */
  private readonly sharedReads = new Map<string, Promise<unknown>>();

  constructor(
    private readonly database: UserDatabase,
    options: LedgerStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  private get dialect(): Dialect {
    return this.database.type;
  }

  // --- LedgerReader -------------------------------------------------------------------------

  /**
   * Stale hours are rolled too: they answer until re-rolled. With a metric: the hours rolled with
   * it (an hour rolled before the ledger kept a metric answers that metric live).
   */
  rolledHours(fromMs: number, toMs: number, metric?: string): Promise<number[]> {
    return this.rolledHoursSince(fromMs, toMs, metric === undefined ? 0 : (ledgerMetric(metric)?.since ?? 0));
  }

  /** The hours rolled with allocation version `since` or later (e.g. those holding their pods' nodes). */
  rolledHoursSince(fromMs: number, toMs: number, since: number): Promise<number[]> {
    return this.shared(`rolled ${fromMs} ${toMs} ${since}`, () => this.readRolledHours(fromMs, toMs, since));
  }

  /** Not shared: the worker reads what it has just written. */
  private async readRolledHours(fromMs: number, toMs: number, since = 0): Promise<number[]> {
    const p = this.params();
    // Parameters in the order they appear: SQLite's are positional.
    let sql = `SELECT "hour_start" FROM "ledger_hours" WHERE "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)}`;
    if (since > 0) sql += ` AND "allocation" >= ${p.add(since)}`;
    const rows = await this.read(`${sql} ORDER BY "hour_start"`, p);
    return rows.map((r) => intFrom(r['hour_start'], 'hour_start'));
  }

  /** Whole rolled-up days from the daily rows, the other hours from the hourly ones; the three metrics in one read. */
  async podFigures(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter): Promise<PodFigures[]> {
    const key = ledgerMetricKey(metric);
    if (!key || ns.only?.length === 0) return [];
    return [...((await this.podFiguresOfAll(fromMs, toMs, ns)).get(key) ?? [])];
  }

  async namespaceFigures(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter): Promise<Map<string, SeriesFigures>> {
    const key = ledgerMetricKey(metric);
    if (!key || ns.only?.length === 0) return new Map();
    const plan = await this.readPlan(fromMs, toMs);
    const p = this.params();
    const branches = [
      ...plan.days.map(
        ([a, b]) => `SELECT ${NAMESPACE_FIGURES} FROM "ledger_namespace_days" WHERE "metric" = ${p.add(key)} AND "day_start" >= ${p.add(a)} AND "day_start" < ${p.add(b)}`,
      ),
      ...plan.hours.map(
        ([a, b]) => `SELECT ${NAMESPACE_FIGURES} FROM "ledger_namespace_hours" WHERE "metric" = ${p.add(key)} AND "hour_start" >= ${p.add(a)} AND "hour_start" < ${p.add(b)}`,
      ),
    ];
    if (branches.length === 0) return new Map();
    const rows = await this.read(
      `SELECT "namespace", ${summedFigures('')} FROM (${branches.join(' UNION ALL ')}) u WHERE TRUE${this.namespaceClause('"namespace"', ns, p)} GROUP BY "namespace"`,
      p,
    );
    const out = rows.map((r) => [String(r['namespace']), figuresFrom(r)] as const).sort(([a], [b]) => compareNames(a, b));
    return new Map(out);
  }

  /**
   * The kept totals (everything, everything but kube-system) from their daily and hourly rows; any
   * other selection, and a range with hours rolled before the rollups, from the step series.
   */
  async totalFigures(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter): Promise<SeriesFigures> {
    const key = ledgerMetricKey(metric);
    if (!key || ns.only?.length === 0) return emptyFigures();
    const kept = keptSelectionOf(ns);
    // Read first: hours given their rollups meanwhile still answer from their step series.
    if (kept === undefined || (await this.hoursWithoutRollups(fromMs, toMs)).length > 0) {
      return totalOfHours(await this.namespaceHours(metric, fromMs, toMs, ns, true));
    }
    const plan = await this.readPlan(fromMs, toMs);
    const p = this.params();
    const branches = [
      ...plan.days.map(
        ([a, b]) =>
          `SELECT ${TOTAL_FIGURES} FROM "ledger_total_days" WHERE "metric" = ${p.add(key)} AND "day_start" >= ${p.add(a)} AND "day_start" < ${p.add(b)} AND "excluded" = ${p.add(kept)}`,
      ),
      ...plan.hours.map(
        ([a, b]) =>
          `SELECT ${TOTAL_FIGURES} FROM "ledger_total_hours" WHERE "metric" = ${p.add(key)} AND "hour_start" >= ${p.add(a)} AND "hour_start" < ${p.add(b)} AND "excluded" = ${p.add(kept)}`,
      ),
    ];
    if (branches.length === 0) return emptyFigures();
    const [row] = await this.read(`SELECT COUNT(*) AS "rows", ${summedFigures('')} FROM (${branches.join(' UNION ALL ')}) u`, p);
    return row && intFrom(row['rows'], 'rows') > 0 ? figuresFrom(row) : emptyFigures();
  }

  async namespaceHours(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter, withSteps: boolean): Promise<StoredNamespaceHour[]> {
    const key = ledgerMetricKey(metric);
    if (!key || ns.only?.length === 0) return [];
    const p = this.params();
    const rows = await this.read(
      `SELECT ${NAMESPACE_HOUR_READ}${withSteps ? ', "source", "steps", "pod_steps"' : ''}
         FROM "ledger_namespace_hours"
        WHERE "metric" = ${p.add(key)} AND "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)}${this.namespaceClause('"namespace"', ns, p)}`,
      p,
    );
    return rows.map((r) => namespaceHourFrom(r, withSteps)).sort((a, b) => a.hourMs - b.hourMs || compareNames(a.namespace, b.namespace));
  }

  /**
   * The step most hours of the range were rolled with (ties: the earliest hour's); hours with no
   * data have none. From the kept totals (a small row per metric and hour with data), or, while some
   * hour of the range has none yet, from the namespace-hours.
   */
  async stepMs(metric: string, fromMs: number, toMs: number): Promise<number | undefined> {
    const key = ledgerMetricKey(metric);
    if (!key) return undefined;
    const hasRollups = (await this.hoursWithoutRollups(fromMs, toMs)).length === 0;
    const p = this.params();
    const rows = await this.read(
      hasRollups
        ? `SELECT "step_ms", COUNT(*) AS "hours", MIN("hour_start") AS "first_hour"
             FROM "ledger_total_hours"
            WHERE "metric" = ${p.add(key)} AND "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)} AND "excluded" = ${p.add(EVERYTHING)}
            GROUP BY "step_ms"
            ORDER BY "hours" DESC, "first_hour" ASC
            LIMIT 1`
        : `SELECT "step_ms", COUNT(DISTINCT "hour_start") AS "hours", MIN("hour_start") AS "first_hour"
             FROM "ledger_namespace_hours"
            WHERE "metric" = ${p.add(key)} AND "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)}
            GROUP BY "step_ms"
            ORDER BY "hours" DESC, "first_hour" ASC
            LIMIT 1`,
      p,
    );
    return rows[0] ? intFrom(rows[0]['step_ms'], 'step_ms') : undefined;
  }

  // --- The roller's side ----------------------------------------------------------------------

  /**
   * Writes one hour, all metrics at once, in one transaction: what was stored for that hour before
   * is replaced (a re-roll never counts twice), and the hour is recorded even with no pod at all.
   * Its kept totals and its pods' labels go with it, and its day's rollups are written again once the day is whole.
   */
  async writeHour(hourMs: number, rolls: readonly MetricHour[], meta: { rawSamples: Record<string, number>; podLabels?: readonly PodLabelsOfHour[] }): Promise<void> {
    const { pods, namespaceRows, totalRows } = hourRows(hourMs, rolls);
    const rawSamples = JSON.stringify(checkedRawSamples(meta.rawSamples));
    const rolledAt = instantToSql(this.dialect, this.now());
    await this.database.transaction(async (manager) => {
      const query = (sql: string, parameters: unknown[]) => manager.query(sql, parameters) as Promise<Row[]>;
      for (const table of ['ledger_pod_hours', 'ledger_namespace_hours', 'ledger_total_hours']) {
        const p = this.params();
        // The metric keys lead the key of the per-metric tables: named, the rows are found by key rather than by a scan.
        const metrics = table === 'ledger_pod_hours' ? '' : `"metric" IN (${p.list(METRIC_KEYS)}) AND `;
        await query(`DELETE FROM "${table}" WHERE ${metrics}"hour_start" = ${p.add(hourMs)}`, p.values);
      }
      await replacePodLabels(query, this.dialect, hourMs, meta.podLabels ?? []);
      const ids = await this.podIds(
        query,
        [...pods.values()].map((r) => r.key),
      );
      await this.insertRows(
        query,
        'ledger_pod_hours',
        podHourColumns(),
        [...pods.values()].map((r) => podHourValues(hourMs, ids, r)),
      );
      await this.insertRows(query, 'ledger_namespace_hours', NAMESPACE_HOUR_COLUMNS, namespaceRows);
      await this.insertRows(query, 'ledger_total_hours', TOTAL_HOUR_COLUMNS, totalRows);
      const p = this.params();
      await query(
        `INSERT INTO "ledger_hours" ("hour_start", "rolled_at", "stale", "pods", "raw_samples", "rollup", "allocation")
         VALUES (${p.add(hourMs)}, ${p.add(rolledAt)}, FALSE, ${p.add(pods.size)}, ${p.add(rawSamples)}, ${p.add(ROLLUP_VERSION)}, ${p.add(ALLOCATION_VERSION)})
         ON CONFLICT ("hour_start") DO UPDATE
            SET "rolled_at" = excluded."rolled_at", "stale" = FALSE, "pods" = excluded."pods", "raw_samples" = excluded."raw_samples",
                "rollup" = excluded."rollup", "allocation" = excluded."allocation"`,
        p.values,
      );
      await this.rollUpDays(query, [hourMs]);
    });
  }

  /**
   * Records hours that hold no sample (none in them or next to them): rolled, with no pod. One
   * transaction for all of them, so a long stretch without data costs one write, not one per hour.
   * An hour that was rolled meanwhile is left as it is.
   */
  async writeEmptyHours(hours: readonly number[]): Promise<void> {
    if (hours.length === 0) return;
    const rolledAt = instantToSql(this.dialect, this.now());
    await this.database.transaction(async (manager) => {
      const query = (sql: string, parameters: unknown[]) => manager.query(sql, parameters) as Promise<Row[]>;
      // `stale` takes its default (false): booleans bind differently in the two stores. No data, no totals to keep.
      const rows = hours.map((h) => [h, rolledAt, 0, '{}', ROLLUP_VERSION, ALLOCATION_VERSION]);
      await this.insertRows(query, 'ledger_hours', ['hour_start', 'rolled_at', 'pods', 'raw_samples', 'rollup', 'allocation'], rows, ' ON CONFLICT ("hour_start") DO NOTHING');
      await this.rollUpDays(query, hours);
    });
  }

  /**
   * Gives hours rolled before the rollups their kept totals (computed from their stored step
   * series) and their days' rollups, oldest first, at most `limit` hours in one transaction;
   * answers how many. Run under the roll lock, as a roll is.
   */
  async addMissingRollups(limit: number): Promise<number> {
    return this.database.transaction(async (manager) => {
      const query = (sql: string, parameters: unknown[]) => manager.query(sql, parameters) as Promise<Row[]>;
      let p = this.params();
      const hours = (await query(`SELECT "hour_start" FROM "ledger_hours" WHERE "rollup" < ${p.add(ROLLUP_VERSION)} ORDER BY "hour_start" LIMIT ${p.add(limit)}`, p.values)).map(
        (r) => intFrom(r['hour_start'], 'hour_start'),
      );
      if (hours.length === 0) return 0;
      const first = hours[0] as number;
      const end = (hours[hours.length - 1] as number) + HOUR_MS;
      p = this.params();
      const rows = await query(
        `SELECT "metric", ${NAMESPACE_HOUR_READ}, "source", "steps", "pod_steps" FROM "ledger_namespace_hours"
          WHERE "metric" IN (${p.list(METRIC_KEYS)}) AND "hour_start" >= ${p.add(first)} AND "hour_start" < ${p.add(end)}`,
        p.values,
      );
      const todo = new Set(hours);
      const perHour = new Map<string, StoredNamespaceHour[]>();
      for (const r of rows) {
        const hour = namespaceHourFrom(r, true);
        if (!todo.has(hour.hourMs)) continue;
        const id = `${String(r['metric'])}@${hour.hourMs}`;
        const list = perHour.get(id);
        if (list) list.push(hour);
        else perHour.set(id, [hour]);
      }
      const totalRows: unknown[][] = [];
      for (const [id, hour] of perHour) {
        const metric = id.slice(0, id.indexOf('@'));
        for (const t of keptTotalsOfHour(hour)) totalRows.push(totalRow(metric, hour[0] as StoredNamespaceHour, t.excluded, t.figures));
      }
      for (const chunk of chunked(hours, 1000)) {
        p = this.params();
        await query(`DELETE FROM "ledger_total_hours" WHERE "metric" IN (${p.list(METRIC_KEYS)}) AND "hour_start" IN (${p.list(chunk)})`, p.values);
        p = this.params();
        await query(`UPDATE "ledger_hours" SET "rollup" = ${p.add(ROLLUP_VERSION)} WHERE "hour_start" IN (${p.list(chunk)})`, p.values);
      }
      await this.insertRows(query, 'ledger_total_hours', TOTAL_HOUR_COLUMNS, totalRows);
      await this.rollUpDays(query, hours);
      return hours.length;
    });
  }

  /**
   * Writes again the rollups of the days holding some hours, inside the transaction that changed
   * them: a day whose 24 hours are rolled with the current rollups gets its rows (sums of its hours')
   * and its `ledger_days` row; any other is read hour by hour.
   */
  private async rollUpDays(query: Query, hours: readonly number[]): Promise<void> {
    const days = [...new Set(hours.map((h) => Math.floor(h / DAY_MS) * DAY_MS))];
    for (const day of days) {
      let p = this.params();
      const [count] = await query(
        `SELECT COUNT(*) AS "hours" FROM "ledger_hours" WHERE "hour_start" >= ${p.add(day)} AND "hour_start" < ${p.add(day + DAY_MS)} AND "rollup" = ${p.add(ROLLUP_VERSION)}`,
        p.values,
      );
      p = this.params();
      await query(`DELETE FROM "ledger_days" WHERE "day_start" = ${p.add(day)}`, p.values);
      // Not whole: its day rows, if any were left, are never read without a `ledger_days` row.
      if (intFrom(count?.['hours'], 'hours of the day') < 24) continue;
      for (const table of ['ledger_pod_days', 'ledger_namespace_days', 'ledger_total_days']) {
        p = this.params();
        const metrics = table === 'ledger_pod_days' ? '' : `"metric" IN (${p.list(METRIC_KEYS)}) AND `;
        await query(`DELETE FROM "${table}" WHERE ${metrics}"day_start" = ${p.add(day)}`, p.values);
      }
      const podSums = LEDGER_METRICS.map((m) => summedFigures(`${m.key}_`)).join(', ');
      p = this.params();
      await query(
        `INSERT INTO "ledger_pod_days" ("day_start", "pod_id", ${POD_FIGURE_COLUMNS})
         SELECT CAST(${p.add(day)} AS bigint), "pod_id", ${podSums} FROM "ledger_pod_hours"
          WHERE "hour_start" >= ${p.add(day)} AND "hour_start" < ${p.add(day + DAY_MS)} GROUP BY "pod_id"`,
        p.values,
      );
      for (const [table, source, column] of [
        ['ledger_namespace_days', 'ledger_namespace_hours', 'namespace'],
        ['ledger_total_days', 'ledger_total_hours', 'excluded'],
      ] as const) {
        p = this.params();
        await query(
          `INSERT INTO "${table}" ("metric", "day_start", "${column}", ${FIGURE_COLUMNS.map((f) => `"${f}"`).join(', ')})
           SELECT "metric", CAST(${p.add(day)} AS bigint), "${column}", ${summedFigures('')} FROM "${source}"
            WHERE "metric" IN (${p.list(METRIC_KEYS)}) AND "hour_start" >= ${p.add(day)} AND "hour_start" < ${p.add(day + DAY_MS)}
            GROUP BY "metric", "${column}"`,
          p.values,
        );
      }
      p = this.params();
      await query(`INSERT INTO "ledger_days" ("day_start") VALUES (${p.add(day)})`, p.values);
    }
  }

  /** The rolled hours in [fromMs, toMs), ascending. */
  async hourRecords(fromMs: number, toMs: number): Promise<LedgerHourRecord[]> {
    const p = this.params();
    const rows = await this.read(
      `SELECT "hour_start", "rolled_at", "stale", "raw_samples" FROM "ledger_hours"
        WHERE "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)} ORDER BY "hour_start"`,
      p,
    );
    return rows.map((r) => ({
      hourMs: intFrom(r['hour_start'], 'hour_start'),
      rolledAt: instantFrom(r['rolled_at'], 'rolled_at'),
      stale: flagFrom(r['stale']),
      rawSamples: checkedRawSamples(JSON.parse(String(r['raw_samples']))),
    }));
  }

  /** Asks for a re-roll of the rolled hours in [fromMs, toMs); returns how many there are. */
  async markStale(fromMs: number, toMs: number): Promise<number> {
    const p = this.params();
    const sql = `UPDATE "ledger_hours" SET "stale" = TRUE WHERE "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)}`;
    return this.database.run(async (ds) => affectedRows(ds, sql, p.values));
  }

  /** The oldest hours waiting for a re-roll. */
  async staleHours(limit: number): Promise<number[]> {
    const p = this.params();
    const rows = await this.read(`SELECT "hour_start" FROM "ledger_hours" WHERE "stale" = TRUE ORDER BY "hour_start" LIMIT ${p.add(limit)}`, p);
    return rows.map((r) => intFrom(r['hour_start'], 'hour_start'));
  }

  async summary(): Promise<LedgerSummary> {
    const p = this.params();
    // The first run ends at its smallest hour whose next hour is missing.
    const rows = await this.read(
      `SELECT (SELECT MIN("hour_start") FROM "ledger_hours") AS "first_hour",
              (SELECT MIN(h."hour_start") FROM "ledger_hours" h
                WHERE NOT EXISTS (SELECT 1 FROM "ledger_hours" n WHERE n."hour_start" = h."hour_start" + ${p.add(HOUR_MS)})) AS "run_end",
              (SELECT SUM("pods") FROM "ledger_hours") AS "pod_hours"`,
      p,
    );
    const row = rows[0] ?? {};
    const first = row['first_hour'] ?? null;
    const runEnd = row['run_end'] ?? null;
    return {
      firstHourMs: first === null ? null : intFrom(first, 'first hour'),
      rolledThroughMs: runEnd === null ? null : intFrom(runEnd, 'last hour of the run') + HOUR_MS,
      podHours: row['pod_hours'] === null || row['pod_hours'] === undefined ? 0 : intFrom(row['pod_hours'], 'pod-hours'),
    };
  }

  /** The oldest hour starts in [fromMs, toMs) not rolled yet, at most `limit`. */
  async unrolledHours(fromMs: number, toMs: number, limit: number): Promise<number[]> {
    const out: number[] = [];
    for (let start = hourCeil(fromMs); start < toMs && out.length < limit; start += UNROLLED_WINDOW_MS) {
      const end = Math.min(start + UNROLLED_WINDOW_MS, toMs);
      const rolled = new Set(await this.readRolledHours(start, end));
      for (let h = start; h < end && out.length < limit; h += HOUR_MS) if (!rolled.has(h)) out.push(h);
    }
    return out;
  }

  /**
   * Runs `work` while holding the roll lock, so one API replica rolls at a time; resolves undefined
   * without running it while another holds the lock. PostgreSQL: a session advisory lock on a
   * connection of its own, held for the duration of `work`. SQLite (one process): `work` as is.
   */
  async withRollLock<T>(work: () => Promise<T>): Promise<T | undefined> {
    if (this.dialect !== 'postgres') return work();
    const held = await this.database.run(async (ds) => {
      const runner = ds.createQueryRunner();
      try {
        const client = (await runner.connect()) as { end(): Promise<void> };
        const [row] = (await runner.query('SELECT pg_try_advisory_lock($1) AS "locked"', [ROLL_LOCK_KEY])) as Row[];
        if (row?.['locked'] === true) return { runner, client };
      } catch (err) {
        await runner.release();
        throw err;
      }
      await runner.release();
      return undefined;
    });
    if (!held) return undefined;
    try {
      return await work();
    } finally {
      const unlocked = await held.runner.query('SELECT pg_advisory_unlock($1) AS "unlocked"', [ROLL_LOCK_KEY]).then(
        (rows: Row[]) => rows[0]?.['unlocked'] === true,
        () => false,
      );
      // A session that may still hold the lock must not go back to the pool: closed, it frees the lock (pg's pool drops it).
      if (!unlocked) await held.client.end().catch(() => undefined);
      await held.runner.release();
    }
  }

  // --- Reading rollups ------------------------------------------------------------------------

  /**
   * Every metric's pod figures at once (a pod's row holds them all), shared by the calls for the
   * same range and filter while it is under way: a report asks for its three metrics together.
   */
  private podFiguresOfAll(fromMs: number, toMs: number, ns: NamespaceFilter): Promise<Map<LedgerMetricKey, PodFigures[]>> {
    const id = JSON.stringify([fromMs, toMs, ns.only ?? null, ns.exclude ?? null]);
    let read = this.podReads.get(id);
    if (!read) {
      read = this.readPodFigures(fromMs, toMs, ns).finally(() => this.podReads.delete(id));
      this.podReads.set(id, read);
    }
    return read;
  }

  private async readPodFigures(fromMs: number, toMs: number, ns: NamespaceFilter): Promise<Map<LedgerMetricKey, PodFigures[]>> {
    const plan = await this.readPlan(fromMs, toMs);
    const out = new Map<LedgerMetricKey, PodFigures[]>(LEDGER_METRICS.map((m) => [m.key, []]));
    const p = this.params();
    const clause = this.namespaceClause('"namespace"', ns, p);
    // The selected pods once, as a bound list would be repeated in every branch.
    const selected = clause ? ` AND "pod_id" IN (SELECT "id" FROM "selected")` : '';
    const branches = [
      ...plan.days.map(([a, b]) => `SELECT "pod_id", ${POD_FIGURE_COLUMNS} FROM "ledger_pod_days" WHERE "day_start" >= ${p.add(a)} AND "day_start" < ${p.add(b)}${selected}`),
      ...plan.hours.map(([a, b]) => `SELECT "pod_id", ${POD_FIGURE_COLUMNS} FROM "ledger_pod_hours" WHERE "hour_start" >= ${p.add(a)} AND "hour_start" < ${p.add(b)}${selected}`),
    ];
    if (branches.length === 0) return out;
    const sums = LEDGER_METRICS.map((m) => summedFigures(`${m.key}_`)).join(', ');
    const rows = await this.read(
      `${clause ? `WITH "selected" AS (SELECT "id" FROM "ledger_pods" WHERE TRUE${clause}) ` : ''}
       SELECT p."namespace", p."pod", x.* FROM (SELECT "pod_id", ${sums} FROM (${branches.join(' UNION ALL ')}) u GROUP BY "pod_id") x
         JOIN "ledger_pods" p ON p."id" = x."pod_id"`,
      p,
    );
    for (const r of rows) {
      const pod = { namespace: String(r['namespace']), pod: String(r['pod']) };
      for (const m of LEDGER_METRICS) {
        const figures = figuresFrom(r, `${m.key}_`);
        // A metric the pod has no series of in the range is no pod of that metric.
        if (touchesPeriod(figures)) out.get(m.key)?.push({ ...pod, figures });
      }
    }
    // Sorted here, so that the order never depends on the database's collation.
    for (const pods of out.values()) pods.sort(comparePods);
    return out;
  }

  /** Which of [fromMs, toMs) is read from rolled-up days, and which hour by hour. */
  private readPlan(fromMs: number, toMs: number): Promise<ReadPlan> {
    return this.shared(`plan ${fromMs} ${toMs}`, async () => {
      const p = this.params();
      const rows = await this.read(
        `SELECT "day_start" FROM "ledger_days" WHERE "day_start" >= ${p.add(fromMs)} AND "day_start" < ${p.add(toMs - DAY_MS + HOUR_MS)} ORDER BY "day_start"`,
        p,
      );
      return planRanges(
        fromMs,
        toMs,
        rows.map((r) => intFrom(r['day_start'], 'day_start')),
      );
    });
  }

  /** Rolled hours in [fromMs, toMs) written before the rollups (no kept totals yet), ascending; none once the worker has been through them. */
  private hoursWithoutRollups(fromMs: number, toMs: number): Promise<number[]> {
    return this.shared(`unrolled-up ${fromMs} ${toMs}`, async () => {
      const p = this.params();
      const rows = await this.read(
        `SELECT "hour_start" FROM "ledger_hours" WHERE "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)} AND "rollup" < ${p.add(ROLLUP_VERSION)} ORDER BY "hour_start"`,
        p,
      );
      return rows.map((r) => intFrom(r['hour_start'], 'hour_start'));
    });
  }

  /**
   * One read for every caller asking the same while it runs (a report's three metrics ask the same
   * ranges at once): a round trip to PostgreSQL costs more than the rows. Callers never change the answer.
   */
  private shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    let pending = this.sharedReads.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = read().finally(() => this.sharedReads.delete(key));
      this.sharedReads.set(key, pending);
    }
    return pending;
  }

  // --- Helpers --------------------------------------------------------------------------------

  private params(): BoundParameters {
    return new BoundParameters(this.dialect);
  }

  private read(sql: string, p: BoundParameters): Promise<Row[]> {
    return this.database.run((ds) => ds.query(sql, p.values) as Promise<Row[]>);
  }

  private namespaceClause(column: string, ns: NamespaceFilter, p: BoundParameters): string {
    let clause = '';
    if (ns.only) clause += ` AND ${column} IN (${p.list(ns.only)})`;
    if (ns.exclude?.length) clause += ` AND ${column} NOT IN (${p.list(ns.exclude)})`;
    return clause;
  }

  /** The dictionary ids of `pods`, adding the new ones (looked up first, so known pods cost no write). */
  private async podIds(query: Query, pods: readonly PodKey[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const lookUp = async (keys: readonly PodKey[]) => {
      for (const chunk of chunked(keys, Math.floor(MAX_BOUND_PARAMETERS[this.dialect] / 2))) {
        const p = this.params();
        const values = chunk.map((k) => `(${p.add(k.namespace)}, ${p.add(k.pod)})`).join(', ');
        const rows = await query(`SELECT "id", "namespace", "pod" FROM "ledger_pods" WHERE ("namespace", "pod") IN (VALUES ${values})`, p.values);
        for (const r of rows) ids.set(podId({ namespace: String(r['namespace']), pod: String(r['pod']) }), intFrom(r['id'], 'pod id'));
      }
    };
    await lookUp(pods);
    const missing = pods.filter((k) => !ids.has(podId(k)));
    if (missing.length === 0) return ids;
    // DO NOTHING: another writer may have added the pod meanwhile (the roll lock makes that rare).
    await this.insertRows(
      query,
      'ledger_pods',
      ['namespace', 'pod'],
      missing.map((k) => [k.namespace, k.pod]),
      ' ON CONFLICT ("namespace", "pod") DO NOTHING',
    );
    await lookUp(missing);
    for (const k of missing) if (!ids.has(podId(k))) throw new Error(`ledger: pod ${k.namespace}/${k.pod} missing from the dictionary after insertion`);
    return ids;
  }

  /** Multi-row INSERTs, as many rows per statement as the parameter limit allows. */
  private async insertRows(query: Query, table: string, columns: readonly string[], rows: readonly unknown[][], suffix = ''): Promise<void> {
    const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
    for (const chunk of chunked(rows, Math.floor(MAX_BOUND_PARAMETERS[this.dialect] / columns.length))) {
      const p = this.params();
      const values = chunk.map((row) => `(${p.list(row)})`).join(', ');
      await query(head + values + suffix, p.values);
    }
  }
}

// --- Rows ------------------------------------------------------------------------------------

interface PodHourRow {
  key: PodKey;
  figures: Map<LedgerMetricKey, SeriesFigures>;
}

const NAMESPACE_HOUR_COLUMNS = ['metric', 'hour_start', 'namespace', 'pods', ...FIGURE_COLUMNS, 'step_ms', 'scale', 'source', 'steps', 'pod_steps'] as const;

const TOTAL_HOUR_COLUMNS = ['metric', 'hour_start', 'excluded', 'step_ms', ...FIGURE_COLUMNS] as const;

const METRIC_KEYS: readonly string[] = LEDGER_METRICS.map((m) => m.key);

/** A pod-hour's (or pod-day's) figure columns, every metric's. */
const POD_FIGURE_COLUMNS = LEDGER_METRICS.flatMap((m) => FIGURE_COLUMNS.map((f) => `"${m.key}_${f}"`)).join(', ');
const NAMESPACE_FIGURES = ['namespace', ...FIGURE_COLUMNS].map((c) => `"${c}"`).join(', ');
const TOTAL_FIGURES = FIGURE_COLUMNS.map((c) => `"${c}"`).join(', ');
/** A namespace-hour's columns but its step series. */
const NAMESPACE_HOUR_READ = ['hour_start', 'step_ms', 'scale', 'namespace', 'pods', ...FIGURE_COLUMNS].map((c) => `"${c}"`).join(', ');

/** The six figures of rows summed (coverage too: the rows are of disjoint hours), the largest peak; named as the columns. */
function summedFigures(prefix: string): string {
  return FIGURE_COLUMNS.map((f) => `${f === 'max' ? 'MAX' : 'SUM'}("${prefix}${f}") AS "${prefix}${f}"`).join(', ');
}

function podHourColumns(): string[] {
  return ['hour_start', 'pod_id', ...LEDGER_METRICS.flatMap((m) => FIGURE_COLUMNS.map((f) => `${m.key}_${f}`))];
}

/** The rows of one hour's rolls, checked: the store keeps what it is given exactly, or refuses it. */
function hourRows(hourMs: number, rolls: readonly MetricHour[]): { pods: Map<string, PodHourRow>; namespaceRows: unknown[][]; totalRows: unknown[][] } {
  if (!Number.isSafeInteger(hourMs) || hourMs % HOUR_MS !== 0) throw new RangeError(`ledger: ${hourMs} is not the start of an hour`);
  const pods = new Map<string, PodHourRow>();
  const namespaceRows: unknown[][] = [];
  const totalRows: unknown[][] = [];
  const seen = new Set<string>();
  for (const roll of rolls) {
    const key = ledgerMetricKey(roll.metric);
    if (!key) throw new RangeError(`ledger: metric ${roll.metric} is not rolled by the ledger`);
    if (seen.has(key)) throw new RangeError(`ledger: metric ${roll.metric} given twice for one hour`);
    seen.add(key);
    if (roll.hourMs !== hourMs) throw new RangeError(`ledger: a roll of ${roll.hourMs} written as hour ${hourMs}`);
    if (!Number.isSafeInteger(roll.stepMs) || roll.stepMs <= 0) throw new RangeError(`ledger: step ${roll.stepMs} ms of ${roll.metric}`);
    if (!Number.isFinite(roll.scale)) throw new RangeError(`ledger: scale ${roll.scale} of ${roll.metric}`);
    for (const p of roll.pods) {
      const id = podId(p);
      const row = pods.get(id) ?? { key: { namespace: p.namespace, pod: p.pod }, figures: new Map() };
      if (row.figures.has(key)) throw new RangeError(`ledger: pod ${p.namespace}/${p.pod} twice in ${roll.metric}`);
      row.figures.set(key, checkedFigures(p.figures, `pod ${p.namespace}/${p.pod} of ${roll.metric}`));
      pods.set(id, row);
    }
    const namespaces = new Set<string>();
    for (const n of roll.namespaces) {
      if (namespaces.has(n.namespace)) throw new RangeError(`ledger: namespace ${n.namespace} twice in ${roll.metric}`);
      namespaces.add(n.namespace);
      const f = checkedFigures(n.figures, `namespace ${n.namespace} of ${roll.metric}`);
      namespaceRows.push([
        key,
        hourMs,
        n.namespace,
        n.pods,
        ...figureValues(f),
        roll.stepMs,
        roll.scale,
        n.steps.source,
        blobToSql(encodeSteps(n.steps.steps, hourMs)),
        n.steps.podSteps ? blobToSql(encodeSteps(n.steps.podSteps, hourMs)) : null,
      ]);
    }
    // The kept totals, from the same series as a report would read back (the step codec is exact).
    const stored = roll.namespaces.map((n): StoredNamespaceHour => ({
      hourMs,
      stepMs: roll.stepMs,
      scale: roll.scale,
      namespace: n.namespace,
      pods: n.pods,
      figures: n.figures,
      steps: n.steps,
    }));
    for (const t of keptTotalsOfHour(stored)) totalRows.push(totalRow(key, stored[0] as StoredNamespaceHour, t.excluded, t.figures));
  }
  return { pods, namespaceRows, totalRows };
}

/** A row of `ledger_total_hours`. */
function totalRow(metricKey: string, hour: StoredNamespaceHour, excluded: string, figures: SeriesFigures): unknown[] {
  return [metricKey, hour.hourMs, excluded, hour.stepMs, ...figureValues(checkedFigures(figures, `total of ${metricKey} but ${excluded || 'none'}`))];
}

function podHourValues(hourMs: number, ids: Map<string, number>, row: PodHourRow): unknown[] {
  const id = ids.get(podId(row.key));
  if (id === undefined) throw new Error(`ledger: no id for pod ${row.key.namespace}/${row.key.pod}`);
  // A metric the pod has no series of that hour: zeros and no peak, which a read leaves out.
  const none: SeriesFigures = { integral: 0, increase: 0, coveredMs: 0, samples: 0, sum: 0, max: -Infinity };
  return [hourMs, id, ...LEDGER_METRICS.flatMap((m) => figureValues(row.figures.get(m.key) ?? none))];
}

function figureValues(f: SeriesFigures): unknown[] {
  return [f.integral, f.increase, f.coveredMs, f.samples, f.sum, maxToSql(f.max)];
}

function checkedFigures(f: SeriesFigures, what: string): SeriesFigures {
  const finite = [f.integral, f.increase, f.sum].every(Number.isFinite) && (Number.isFinite(f.max) || f.max === -Infinity);
  const counts = Number.isSafeInteger(f.coveredMs) && f.coveredMs >= 0 && Number.isSafeInteger(f.samples) && f.samples >= 0;
  if (!finite || !counts) throw new RangeError(`ledger: figures of ${what} cannot be stored exactly: ${JSON.stringify(f)}`);
  return f;
}

function checkedRawSamples(raw: unknown): Record<string, number> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new RangeError('ledger: raw sample counts must be an object');
  for (const [metric, count] of Object.entries(raw)) {
    if (!Number.isSafeInteger(count) || (count as number) < 0) throw new RangeError(`ledger: raw sample count of ${metric} is ${String(count)}`);
  }
  return raw as Record<string, number>;
}

function figuresFrom(r: Row, prefix = ''): SeriesFigures {
  return {
    integral: floatFrom(r[`${prefix}integral`], 'integral'),
    increase: floatFrom(r[`${prefix}increase`], 'increase'),
    coveredMs: intFrom(r[`${prefix}covered_ms`], 'covered_ms'),
    samples: intFrom(r[`${prefix}samples`], 'samples'),
    sum: floatFrom(r[`${prefix}sum`], 'sum'),
    max: maxFrom(r[`${prefix}max`], 'max'),
  };
}

/** A namespace-hour as read (NAMESPACE_HOUR_READ, and the step series when asked for). */
function namespaceHourFrom(r: Row, withSteps: boolean): StoredNamespaceHour {
  const hourMs = intFrom(r['hour_start'], 'hour_start');
  return {
    hourMs,
    stepMs: intFrom(r['step_ms'], 'step_ms'),
    scale: floatFrom(r['scale'], 'scale'),
    namespace: String(r['namespace']),
    pods: intFrom(r['pods'], 'pods'),
    figures: figuresFrom(r),
    ...(withSteps ? { steps: stepsFrom(r, hourMs) } : {}),
  };
}

function stepsFrom(r: Row, hourMs: number): NamespaceSteps {
  const source = r['source'];
  if (source !== 'collector' && source !== 'pods') throw new Error(`ledger: unknown step source ${String(source)}`);
  const steps = decodeSteps(blobFrom(r['steps'], 'steps'), hourMs);
  const podSteps = r['pod_steps'] === null || r['pod_steps'] === undefined ? undefined : decodeSteps(blobFrom(r['pod_steps'], 'pod_steps'), hourMs);
  return { source, steps, ...(podSteps ? { podSteps } : {}) };
}

/** Rows an UPDATE touched, as both drivers report it. */
async function affectedRows(ds: DataSource, sql: string, parameters: unknown[]): Promise<number> {
  const qr = ds.createQueryRunner();
  try {
    const result = await qr.query(sql, parameters, true);
    return intFrom(result.affected ?? 0, 'affected rows');
  } finally {
    await qr.release();
  }
}
