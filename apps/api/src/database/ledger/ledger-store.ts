import {
  comparePods,
  compareNames,
  decodeSteps,
  encodeSteps,
  HOUR_MS,
  hourCeil,
  LedgerReader,
  MetricHour,
  NamespaceFilter,
  NamespaceSteps,
  podId,
  PodFigures,
  PodKey,
  SeriesFigures,
  StoredNamespaceHour,
  totalOfHours,
} from '@kube-monitoring/accounting';
import { DataSource } from 'typeorm';

import { UserDatabase } from '../user-database';
import { LEDGER_METRICS, ledgerMetricKey, LedgerMetricKey } from './ledger-metrics';
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
 * connection is shared in turn. Raw SQL with bound parameters: a month of 200 pods is one
 * aggregate query, summed by the database.
 */
export class LedgerStore implements LedgerReader {
  readonly metrics: readonly string[] = LEDGER_METRICS.map((m) => m.metric);
  private readonly now: () => number;

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

  /** Stale hours are rolled too: they answer until re-rolled. */
  async rolledHours(fromMs: number, toMs: number): Promise<number[]> {
    const p = this.params();
    const rows = await this.read(
      `SELECT "hour_start" FROM "ledger_hours" WHERE "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)} ORDER BY "hour_start"`,
      p,
    );
    return rows.map((r) => intFrom(r['hour_start'], 'hour_start'));
  }

  async podFigures(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter): Promise<PodFigures[]> {
    const key = ledgerMetricKey(metric);
    if (!key || ns.only?.length === 0) return [];
    const c = (figure: (typeof FIGURE_COLUMNS)[number]) => `h."${key}_${figure}"`;
    const p = this.params();
    const rows = await this.read(
      `SELECT p."namespace", p."pod", SUM(${c('integral')}) AS "integral", SUM(${c('increase')}) AS "increase",
              SUM(${c('covered_ms')}) AS "covered_ms", SUM(${c('samples')}) AS "samples", SUM(${c('sum')}) AS "sum", MAX(${c('max')}) AS "max"
         FROM "ledger_pod_hours" h JOIN "ledger_pods" p ON p."id" = h."pod_id"
        WHERE h."hour_start" >= ${p.add(fromMs)} AND h."hour_start" < ${p.add(toMs)}${this.namespaceClause('p."namespace"', ns, p)}
        GROUP BY p."id", p."namespace", p."pod"
       HAVING SUM(${c('covered_ms')}) > 0 OR SUM(${c('samples')}) > 0`,
      p,
    );
    // Sorted here, so that the order never depends on the database's collation.
    return rows.map((r) => ({ namespace: String(r['namespace']), pod: String(r['pod']), figures: figuresFrom(r) })).sort(comparePods);
  }

  async namespaceFigures(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter): Promise<Map<string, SeriesFigures>> {
    const key = ledgerMetricKey(metric);
    if (!key || ns.only?.length === 0) return new Map();
    const p = this.params();
    const rows = await this.read(
      `SELECT "namespace", SUM("integral") AS "integral", SUM("increase") AS "increase", SUM("covered_ms") AS "covered_ms",
              SUM("samples") AS "samples", SUM("sum") AS "sum", MAX("max") AS "max"
         FROM "ledger_namespace_hours"
        WHERE "metric" = ${p.add(key)} AND "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)}${this.namespaceClause('"namespace"', ns, p)}
        GROUP BY "namespace"`,
      p,
    );
    return new Map(rows.map((r) => [String(r['namespace']), figuresFrom(r)] as const).sort(([a], [b]) => compareNames(a, b)));
  }

  /** Hour by hour from the selected namespaces' step series. */
  async totalFigures(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter): Promise<SeriesFigures> {
    return totalOfHours(await this.namespaceHours(metric, fromMs, toMs, ns, true));
  }

  async namespaceHours(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter, withSteps: boolean): Promise<StoredNamespaceHour[]> {
    const key = ledgerMetricKey(metric);
    if (!key || ns.only?.length === 0) return [];
    const p = this.params();
    const rows = await this.read(
      `SELECT "hour_start", "step_ms", "scale", "namespace", "pods", "integral", "increase", "covered_ms", "samples", "sum", "max"
              ${withSteps ? ', "source", "steps", "pod_steps"' : ''}
         FROM "ledger_namespace_hours"
        WHERE "metric" = ${p.add(key)} AND "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)}${this.namespaceClause('"namespace"', ns, p)}`,
      p,
    );
    const hours = rows.map((r): StoredNamespaceHour => {
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
    });
    return hours.sort((a, b) => a.hourMs - b.hourMs || compareNames(a.namespace, b.namespace));
  }

  /** The step most hours of the range were rolled with (ties: the earliest hour's); hours with no data have none. */
  async stepMs(metric: string, fromMs: number, toMs: number): Promise<number | undefined> {
    const key = ledgerMetricKey(metric);
    if (!key) return undefined;
    const p = this.params();
    const rows = await this.read(
      `SELECT "step_ms", COUNT(DISTINCT "hour_start") AS "hours", MIN("hour_start") AS "first_hour"
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
   */
  async writeHour(hourMs: number, rolls: readonly MetricHour[], meta: { rawSamples: Record<string, number> }): Promise<void> {
    const { pods, namespaceRows } = hourRows(hourMs, rolls);
    const rawSamples = JSON.stringify(checkedRawSamples(meta.rawSamples));
    const rolledAt = instantToSql(this.dialect, this.now());
    await this.database.transaction(async (manager) => {
      const query = (sql: string, parameters: unknown[]) => manager.query(sql, parameters) as Promise<Row[]>;
      for (const table of ['ledger_pod_hours', 'ledger_namespace_hours']) {
        const p = this.params();
        // The metric keys lead the key of the per-metric tables: named, the rows are found by key rather than by a scan.
        const metrics = table === 'ledger_pod_hours' ? '' : `"metric" IN (${p.list(METRIC_KEYS)}) AND `;
        await query(`DELETE FROM "${table}" WHERE ${metrics}"hour_start" = ${p.add(hourMs)}`, p.values);
      }
      const ids = await this.podIds(query, [...pods.values()].map((r) => r.key));
      await this.insertRows(query, 'ledger_pod_hours', podHourColumns(), [...pods.values()].map((r) => podHourValues(hourMs, ids, r)));
      await this.insertRows(query, 'ledger_namespace_hours', NAMESPACE_HOUR_COLUMNS, namespaceRows);
      const p = this.params();
      await query(
        `INSERT INTO "ledger_hours" ("hour_start", "rolled_at", "stale", "pods", "raw_samples")
         VALUES (${p.add(hourMs)}, ${p.add(rolledAt)}, FALSE, ${p.add(pods.size)}, ${p.add(rawSamples)})
         ON CONFLICT ("hour_start") DO UPDATE
            SET "rolled_at" = excluded."rolled_at", "stale" = FALSE, "pods" = excluded."pods", "raw_samples" = excluded."raw_samples"`,
        p.values,
      );
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
      // `stale` takes its default (false): booleans bind differently in the two stores.
      const rows = hours.map((h) => [h, rolledAt, 0, '{}']);
      await this.insertRows(query, 'ledger_hours', ['hour_start', 'rolled_at', 'pods', 'raw_samples'], rows, ' ON CONFLICT ("hour_start") DO NOTHING');
    });
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
      const rolled = new Set(await this.rolledHours(start, end));
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
    await this.insertRows(query, 'ledger_pods', ['namespace', 'pod'], missing.map((k) => [k.namespace, k.pod]), ' ON CONFLICT ("namespace", "pod") DO NOTHING');
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

const NAMESPACE_HOUR_COLUMNS = [
  'metric',
  'hour_start',
  'namespace',
  'pods',
  ...FIGURE_COLUMNS,
  'step_ms',
  'scale',
  'source',
  'steps',
  'pod_steps',
] as const;

const METRIC_KEYS: readonly string[] = LEDGER_METRICS.map((m) => m.key);

function podHourColumns(): string[] {
  return ['hour_start', 'pod_id', ...LEDGER_METRICS.flatMap((m) => FIGURE_COLUMNS.map((f) => `${m.key}_${f}`))];
}

/** The rows of one hour's rolls, checked: the store keeps what it is given exactly, or refuses it. */
function hourRows(hourMs: number, rolls: readonly MetricHour[]): { pods: Map<string, PodHourRow>; namespaceRows: unknown[][] } {
  if (!Number.isSafeInteger(hourMs) || hourMs % HOUR_MS !== 0) throw new RangeError(`ledger: ${hourMs} is not the start of an hour`);
  const pods = new Map<string, PodHourRow>();
  const namespaceRows: unknown[][] = [];
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
  }
  return { pods, namespaceRows };
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

function figuresFrom(r: Row): SeriesFigures {
  return {
    integral: floatFrom(r['integral'], 'integral'),
    increase: floatFrom(r['increase'], 'increase'),
    coveredMs: intFrom(r['covered_ms'], 'covered_ms'),
    samples: intFrom(r['samples'], 'samples'),
    sum: floatFrom(r['sum'], 'sum'),
    max: maxFrom(r['max'], 'max'),
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
