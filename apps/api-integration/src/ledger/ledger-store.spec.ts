import fc from 'fast-check';

import {
  compareNames,
  emptyFigures,
  HOUR_MS,
  MetricHour,
  NamespaceFilter,
  PodFigures,
  podId,
  rollMetricHour,
  SeriesFigures,
  StoredNamespaceHour,
  UsageEngine,
} from '@kube-monitoring/accounting';
import { InMemoryLedger, seededRandom, testCluster } from '@kube-monitoring/accounting/testing';

import { LEDGER_METRICS } from '../../../api/src/database/ledger/ledger-metrics';
import { LedgerStore } from '../../../api/src/database/ledger/ledger-store';
import { LedgerNodeStore } from '../../../api/src/database/ledger/node-hours-store';
import { MIGRATIONS } from '../../../api/src/database/migrations';
import { LedgerRollups1767000000000 } from '../../../api/src/database/migrations/1767000000000-ledger-rollups';
import { LedgerAllocation1768000000000 } from '../../../api/src/database/migrations/1768000000000-ledger-allocation';
import { UserDatabase } from '../../../api/src/database/user-database';
import { Backend, BACKENDS, startBackend, Store } from '../users/support/backends';

const MIN = 60_000;
const T0 = Date.UTC(2024, 2, 20);
const HOURS = 6;
const METRICS = LEDGER_METRICS.map((m) => m.metric);
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const hour = (n: number) => T0 + n * HOUR_MS;

/** Every metric of every hour from -1 to HOURS, rolled with the one usage computation; hours 3 and 4 with a 2-minute step. */
async function rollCluster(seed: number): Promise<Map<number, MetricHour[]>> {
  const c = testCluster(seed, { startMs: T0, hours: HOURS });
  const engines = { [MIN]: new UsageEngine(c.store, { fixedStepMs: MIN }), [2 * MIN]: new UsageEngine(c.store, { fixedStepMs: 2 * MIN }) };
  const out = new Map<number, MetricHour[]>();
  for (let h = -1; h <= HOURS; h++) {
    const engine = engines[h === 3 || h === 4 ? 2 * MIN : MIN];
    out.set(hour(h), await Promise.all([c.rate, c.gauge, c.gpu].map((s) => rollMetricHour(engine, s, hour(h)))));
  }
  return out;
}

/** Every metric of hours -1 to `hours` of a cluster running for `hours` hours, each rolled with a 1-minute step. */
async function rollLongCluster(seed: number, hours: number): Promise<Map<number, MetricHour[]>> {
  const c = testCluster(seed, { startMs: T0, hours });
  const engine = new UsageEngine(c.store, { fixedStepMs: MIN });
  const out = new Map<number, MetricHour[]>();
  for (let h = -1; h <= hours; h++) out.set(hour(h), await Promise.all([c.rate, c.gauge, c.gpu].map((s) => rollMetricHour(engine, s, hour(h)))));
  return out;
}

function rollsAt(rolls: Map<number, MetricHour[]>, h: number): MetricHour[] {
  const found = rolls.get(hour(h));
  if (!found) throw new Error(`hour ${h} was not rolled`);
  return found;
}

/** Every metric of an hour recorded without data, as the in-memory ledger keeps it. */
function emptyRolls(hourMs: number): MetricHour[] {
  return METRICS.map((metric) => ({ metric, hourMs, stepMs: MIN, scale: 1, pods: [], namespaces: [] }));
}

function rawSamplesOf(rolls: readonly MetricHour[]): Record<string, number> {
  return Object.fromEntries(rolls.map((r) => [r.metric, r.pods.reduce((n, p) => n + p.figures.samples, 0)]));
}

/**
 * Counts, coverage and peaks exactly; usage within 1e-12 relative, since the database sums the
 * hours in an order (and, for SQLite, with a compensated sum) of its own.
 */
function expectSamePods(actual: PodFigures[], expected: PodFigures[]): void {
  expect(actual.map(podId)).toEqual(expected.map(podId));
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  actual.forEach((p, i) => {
    const e = expected[i]?.figures as SeriesFigures;
    const f = p.figures;
    const ok = close(f.integral, e.integral) && close(f.increase, e.increase) && close(f.sum, e.sum) && f.coveredMs === e.coveredMs && f.samples === e.samples && f.max === e.max;
    if (!ok) throw new Error(`pod ${podId(p)}: store ${JSON.stringify(f)} in memory ${JSON.stringify(e)}`);
  });
}

/** Usage within 1e-12 relative (the database sums in an order of its own), counts, coverage and peaks exactly. */
function expectSameFigures(actual: SeriesFigures, expected: SeriesFigures, what: string): void {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  const ok =
    close(actual.integral, expected.integral) &&
    close(actual.increase, expected.increase) &&
    close(actual.sum, expected.sum) &&
    actual.coveredMs === expected.coveredMs &&
    actual.samples === expected.samples &&
    actual.max === expected.max;
  if (!ok) throw new Error(`${what}: store ${JSON.stringify(actual)} in memory ${JSON.stringify(expected)}`);
}

/** The namespaces' figures and the total over them, as the store and the in-memory ledger answer them. */
async function expectSameGroups(ledger: LedgerStore, memory: InMemoryLedger, metric: string, fromMs: number, toMs: number, filter: NamespaceFilter): Promise<void> {
  const what = `${metric} [${new Date(fromMs).toISOString()}, ${new Date(toMs).toISOString()}) ${JSON.stringify(filter)}`;
  const [stored, expected] = await Promise.all([ledger.namespaceFigures(metric, fromMs, toMs, filter), memory.namespaceFigures(metric, fromMs, toMs, filter)]);
  expect([...stored.keys()]).toEqual([...expected.keys()]);
  for (const [ns, f] of stored) expectSameFigures(f, expected.get(ns) as SeriesFigures, `namespace ${ns} of ${what}`);
  expectSameFigures(await ledger.totalFigures(metric, fromMs, toMs, filter), await memory.totalFigures(metric, fromMs, toMs, filter), `total of ${what}`);
}

/** The store orders an hour's namespaces by name; the in-memory ledger keeps the roll's order. */
function byHourAndName(hours: StoredNamespaceHour[]): StoredNamespaceHour[] {
  return [...hours].sort((a, b) => a.hourMs - b.hourMs || compareNames(a.namespace, b.namespace));
}

/** Undoes the newest migrations down to `oldest`, itself included, however many came after it. */
async function undoMigrationsThrough(database: UserDatabase, oldest: (typeof MIGRATIONS)[number]): Promise<void> {
  const index = MIGRATIONS.indexOf(oldest);
  if (index < 0) throw new Error(`${oldest.name} is not a registered migration`);
  for (let i = index; i < MIGRATIONS.length; i++) await database.run((ds) => ds.undoLastMigration({ transaction: 'each' }));
}

const FILTERS: NamespaceFilter[] = [
  {},
  { exclude: ['kube-system'] },
  { only: ['beta'] },
  { only: ['alpha', 'beta'] },
  { only: [] },
  { only: ['nowhere'] },
  { exclude: ['alpha', 'beta'] },
  { only: ['alpha', 'kube-system'], exclude: ['alpha'] },
];

/**
 * What the store answers for any range inside [lo, hi) (whole hours, or any ms), filter and metric
 * is what the in-memory ledger answers for the same writes.
 */
async function expectSameAnswers(ledger: LedgerStore, memory: InMemoryLedger, lo: number, hi: number, numRuns: number): Promise<void> {
  const hours = (hi - lo) / HOUR_MS;
  const ranges = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: hours }), fc.integer({ min: 0, max: hours })).map(([from, length]) => [lo + from * HOUR_MS, lo + (from + length) * HOUR_MS]),
    fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: hi - lo })).map(([from, length]) => [from, from + length]),
  );
  await fc.assert(
    fc.asyncProperty(ranges, fc.constantFrom(...FILTERS), fc.constantFrom(...METRICS, 'uptime'), async ([fromMs, toMs], filter, metric) => {
      expect(await ledger.rolledHours(fromMs, toMs)).toEqual(await memory.rolledHours(fromMs, toMs));
      expect(await ledger.stepMs(metric, fromMs, toMs)).toBe(await memory.stepMs(metric, fromMs, toMs));
      expectSamePods(await ledger.podFigures(metric, fromMs, toMs, filter), await memory.podFigures(metric, fromMs, toMs, filter));
      await expectSameGroups(ledger, memory, metric, fromMs, toMs, filter);
      for (const withSteps of [false, true]) {
        const stored = await ledger.namespaceHours(metric, fromMs, toMs, filter, withSteps);
        expect(stored).toEqual(byHourAndName(await memory.namespaceHours(metric, fromMs, toMs, filter, withSteps)));
        if (!withSteps) expect(stored.every((n) => !('steps' in n))).toBe(true);
      }
    }),
    { numRuns },
  );
}

describe.each(BACKENDS)('ledger store on %s', (kind) => {
  let backend: Backend;
  let store: Store;
  let database: UserDatabase;
  let ledger: LedgerStore;
  let clock: number;
  let cluster: Map<number, MetricHour[]>;

  const rollsOf = (h: number) => cluster.get(hour(h)) as MetricHour[];
  const write = async (target: LedgerStore, memory: InMemoryLedger | undefined, h: number, rolls: MetricHour[] = rollsOf(h)) => {
    await target.writeHour(hour(h), rolls, { rawSamples: rawSamplesOf(rolls) });
    rolls.forEach((r) => memory?.write(r));
  };

  beforeAll(async () => {
    [backend, cluster] = await Promise.all([startBackend(kind), rollCluster(20_251)]);
  });
  afterAll(async () => {
    await backend.dispose();
  });

  beforeEach(async () => {
    store = await backend.freshStore();
    database = new UserDatabase(store.config, { logger: quiet });
    await database.connect();
    clock = Date.UTC(2025, 0, 1, 12);
    ledger = new LedgerStore(database, { now: () => clock });
  });
  afterEach(async () => {
    await database.close();
  });

  it('should answer what the in-memory ledger answers for the same writes, on any range and filter', async () => {
    const memory = new InMemoryLedger(METRICS);
    // Every hour but 1, so that ranges have a hole in them.
    for (let h = -1; h <= HOURS; h++) if (h !== 1) await write(ledger, memory, h);
    await expectSameAnswers(ledger, memory, hour(-3), hour(HOURS + 3), 120);
    // The property above is not vacuous: the data holds pods, collector and pod sources, and both steps.
    const all = await ledger.namespaceHours('memory/usage', hour(-1), hour(HOURS + 1), {}, true);
    expect(new Set(all.map((n) => n.steps?.source))).toEqual(new Set(['collector', 'pods']));
    expect(all.some((n) => n.steps?.podSteps)).toBe(true);
    expect(new Set(all.map((n) => n.stepMs))).toEqual(new Set([MIN, 2 * MIN]));
    expect((await ledger.podFigures('cpu/usage_rate', hour(0), hour(HOURS), {})).length).toBeGreaterThan(5);
    expect(await ledger.stepMs('gpu/usage', hour(3), hour(5))).toBe(2 * MIN);
    expect(await ledger.stepMs('gpu/usage', hour(2), hour(5))).toBe(2 * MIN);
    expect(await ledger.stepMs('gpu/usage', hour(2), hour(6))).toBe(MIN);
  });

  it('should read whole days from their rollups and answer what the hours answer', async () => {
    const long = await rollLongCluster(31_337, 52);
    const other = await rollLongCluster(4711, 8);
    const memory = new InMemoryLedger(METRICS);
    const rolledUp = async () =>
      (await database.run((ds) => ds.query('SELECT "day_start" FROM "ledger_days" ORDER BY "day_start"'))).map((r: { day_start: unknown }) => Number(r.day_start));
    // Day 0 whole; day 1 without hour 30; day 2 with hours 48 to 52, the rest of it recorded empty later.
    for (let h = -1; h <= 52; h++) if (h !== 30) await write(ledger, memory, h, rollsAt(long, h));
    expect(await rolledUp()).toEqual([hour(0)]);
    const empty = Array.from({ length: 19 }, (_, i) => hour(53 + i));
    await ledger.writeEmptyHours(empty);
    empty.forEach((h) => emptyRolls(h).forEach((r) => memory.write(r)));
    expect(await rolledUp()).toEqual([hour(0), hour(48)]);
    await write(ledger, memory, 30, rollsAt(long, 30));
    expect(await rolledUp()).toEqual([hour(0), hour(24), hour(48)]);
    // An hour of a whole day rolled again, with other figures: the day's rollups follow.
    await write(ledger, memory, 5, rollsAt(other, 5));
    await expectSameAnswers(ledger, memory, hour(-2), hour(74), 150);

    // Not vacuous: the days hold pods and both kinds of namespace series, and whole days are read from their rollups:
    // a change to an hourly row behind the store's back shows only where that hour is read hour by hour.
    const all = await ledger.namespaceHours('memory/usage', hour(0), hour(48), {}, true);
    expect(new Set(all.map((n) => n.steps?.source))).toEqual(new Set(['collector', 'pods']));
    expect((await ledger.podFigures('cpu/usage_rate', hour(24), hour(48), {})).length).toBeGreaterThan(5);
    const day1 = await ledger.podFigures('cpu/usage_rate', hour(24), hour(48), {});
    const partOfDay1 = await ledger.podFigures('cpu/usage_rate', hour(25), hour(48), {});
    await database.run((ds) => ds.query(`UPDATE "ledger_pod_hours" SET "cpu_integral" = "cpu_integral" + 1e9, "cpu_samples" = "cpu_samples" + 1 WHERE "hour_start" = ${hour(30)}`));
    await database.run((ds) => ds.query(`UPDATE "ledger_total_hours" SET "samples" = "samples" + 1000 WHERE "hour_start" = ${hour(30)}`));
    await database.run((ds) => ds.query(`UPDATE "ledger_namespace_hours" SET "samples" = "samples" + 1000 WHERE "hour_start" = ${hour(30)}`));
    expect(await ledger.podFigures('cpu/usage_rate', hour(24), hour(48), {})).toEqual(day1);
    const changed = await ledger.podFigures('cpu/usage_rate', hour(25), hour(48), {});
    expect(changed.map((p) => p.figures.samples)).not.toEqual(partOfDay1.map((p) => p.figures.samples));
    for (const filter of [{}, { exclude: ['kube-system'] }]) {
      expectSameFigures(
        await ledger.totalFigures('cpu/usage_rate', hour(24), hour(48), filter),
        await memory.totalFigures('cpu/usage_rate', hour(24), hour(48), filter),
        'day 1 total',
      );
      expect((await ledger.totalFigures('cpu/usage_rate', hour(25), hour(48), filter)).samples).toBe(
        (await memory.totalFigures('cpu/usage_rate', hour(25), hour(48), filter)).samples + 1000,
      );
    }
    const namespaces = await ledger.namespaceFigures('cpu/usage_rate', hour(24), hour(48), {});
    const expected = await memory.namespaceFigures('cpu/usage_rate', hour(24), hour(48), {});
    for (const [ns, f] of namespaces) expect(f.samples).toBe(expected.get(ns)?.samples);
  });

  it('should answer the kept totals without reading a step series, and throw on a corrupt one for any other selection', async () => {
    const long = await rollLongCluster(2718, 26);
    const memory = new InMemoryLedger(METRICS);
    for (let h = -1; h <= 26; h++) await write(ledger, memory, h, rollsAt(long, h));
    await database.run((ds) => ds.query(`UPDATE "ledger_namespace_hours" SET "steps" = ${kind === 'postgres' ? `'\\x0102'::bytea` : `x'0102'`}`));
    for (const [fromMs, toMs] of [
      [hour(0), hour(24)],
      [hour(-1), hour(27)],
      [hour(3), hour(5)],
    ] as const) {
      for (const filter of [{}, { exclude: ['kube-system'] }, { exclude: ['kube-system', 'kube-system'] }, { exclude: [] }]) {
        expect((await ledger.totalFigures('memory/usage', fromMs, toMs, filter)).samples).toBeGreaterThan(0);
      }
      await expect(ledger.totalFigures('memory/usage', fromMs, toMs, { only: ['alpha', 'beta'] })).rejects.toThrow(/corrupt step series/);
      await expect(ledger.totalFigures('memory/usage', fromMs, toMs, { exclude: ['beta'] })).rejects.toThrow(/corrupt step series/);
    }
  });

  it('should answer hours rolled before the rollups from their step series, and give them their rollups', async () => {
    const long = await rollLongCluster(1618, 30);
    const memory = new InMemoryLedger(METRICS);
    for (let h = -1; h <= 30; h++) await write(ledger, memory, h, rollsAt(long, h));
    // As the release before the rollups left them (the migration adds empty tables and rollup 0): hours up to 27.
    await database.run(async (ds) => {
      await ds.query(`UPDATE "ledger_hours" SET "rollup" = 0 WHERE "hour_start" < ${hour(28)}`);
      await ds.query(`DELETE FROM "ledger_total_hours" WHERE "hour_start" < ${hour(28)}`);
      for (const table of ['ledger_days', 'ledger_pod_days', 'ledger_namespace_days', 'ledger_total_days']) await ds.query(`DELETE FROM "${table}"`);
    });
    await expectSameAnswers(ledger, memory, hour(-2), hour(32), 60);
    const added: number[] = [];
    for (let n = await ledger.addMissingRollups(10); n > 0; n = await ledger.addMissingRollups(10)) added.push(n);
    expect(added).toEqual([10, 10, 9]);
    const days = await database.run((ds) => ds.query('SELECT "day_start" FROM "ledger_days"'));
    expect(days.map((r: { day_start: unknown }) => Number(r.day_start))).toEqual([hour(0)]);
    const totals = await database.run((ds) => ds.query(`SELECT COUNT(*) AS "n" FROM "ledger_total_hours" WHERE "hour_start" < ${hour(28)}`));
    expect(Number(totals[0].n)).toBeGreaterThan(29 * 3);
    await expectSameAnswers(ledger, memory, hour(-2), hour(32), 60);
  });

  it('should read the pods of the three metrics once when a report asks for them together, and again for a later report', async () => {
    const memory = new InMemoryLedger(METRICS);
    for (const h of [1, 2, 3]) await write(ledger, memory, h);
    const run = jest.spyOn(database, 'run');
    const together = await Promise.all(METRICS.map((m) => ledger.podFigures(m, hour(0), hour(6), { exclude: ['kube-system'] })));
    // The rolled-up days of the range, then the pods.
    expect(run).toHaveBeenCalledTimes(2);
    for (const [i, m] of METRICS.entries()) expectSamePods(together[i] as PodFigures[], await memory.podFigures(m, hour(0), hour(6), { exclude: ['kube-system'] }));
    run.mockClear();
    await write(ledger, memory, 4);
    run.mockClear();
    expectSamePods(
      await ledger.podFigures('memory/usage', hour(0), hour(6), { exclude: ['kube-system'] }),
      await memory.podFigures('memory/usage', hour(0), hour(6), { exclude: ['kube-system'] }),
    );
    expect(run).toHaveBeenCalledTimes(2);
    run.mockRestore();
  });

  it('should share the range reads of a report’s three metrics while they run, and read again for a later report', async () => {
    const memory = new InMemoryLedger(METRICS);
    for (const h of [1, 2, 3]) await write(ledger, memory, h);
    const run = jest.spyOn(database, 'run');
    const report = () =>
      Promise.all(
        METRICS.flatMap((m) => [
          ledger.rolledHours(hour(0), hour(6)),
          ledger.namespaceFigures(m, hour(0), hour(6), {}),
          ledger.totalFigures(m, hour(0), hour(6), { exclude: ['kube-system'] }),
        ]),
      );
    const first = await report();
    // The rolled hours, the rolled-up days and the hours without rollups once each, per metric its
    // namespaces and its total (unshared: 18). The totals ask for the days after the hours without
    // rollups: shared with the namespaces' read if it still runs, else read once more.
    expect(run.mock.calls.length).toBeGreaterThanOrEqual(3 + 2 * METRICS.length);
    expect(run.mock.calls.length).toBeLessThanOrEqual(4 + 2 * METRICS.length);
    expect(first[0]).toEqual(await memory.rolledHours(hour(0), hour(6)));
    await write(ledger, memory, 4);
    run.mockClear();
    expect(await ledger.rolledHours(hour(0), hour(6))).toEqual(await memory.rolledHours(hour(0), hour(6)));
    expect(run).toHaveBeenCalledTimes(1);
    run.mockRestore();
  });

  it('should undo the rollups migration, and apply it again to hours that then get their rollups from the worker', async () => {
    await write(ledger, undefined, 2);
    const tables = () =>
      database.run(async (ds) =>
        (await ds.createQueryRunner().getTables())
          .map((t) => t.name)
          .filter((n) => n.startsWith('ledger_'))
          .sort(),
      );
    const rollupTables = ['ledger_days', 'ledger_namespace_days', 'ledger_pod_days', 'ledger_total_days', 'ledger_total_hours'];
    expect(await tables()).toEqual(expect.arrayContaining(rollupTables));
    // The migrations after the rollups (allocation, pod-nodes, API keys, pod labels, …) are undone first.
    await undoMigrationsThrough(database, LedgerRollups1767000000000);
    expect((await tables()).filter((t) => rollupTables.includes(t))).toEqual([]);
    const before = await database.run((ds) => ds.query('SELECT * FROM "ledger_hours"'));
    expect(Object.keys(before[0])).not.toContain('rollup');
    await database.run((ds) => ds.runMigrations({ transaction: 'each' }));
    expect(await ledger.addMissingRollups(10)).toBe(1);
    expect(await ledger.addMissingRollups(10)).toBe(0);
    expect(await ledger.stepMs('memory/usage', hour(0), hour(6))).toBe(MIN);
  });

  it('should answer the requests of hours rolled before the allocation migration live, the usage still from the ledger', async () => {
    await write(ledger, undefined, 2);
    const rolled = await ledger.rolledHours(hour(0), hour(6));
    expect(rolled.length).toBeGreaterThan(0);
    expect(await ledger.rolledHours(hour(0), hour(6), 'cpu/request')).toEqual(rolled);
    // The migrations after the allocation one (pod-nodes, API keys, pod labels, …) are undone first.
    await undoMigrationsThrough(database, LedgerAllocation1768000000000);
    const before = await database.run((ds) => ds.query('SELECT * FROM "ledger_pod_hours"'));
    expect(Object.keys(before[0])).not.toContain('cpu_request_integral');
    await database.run((ds) => ds.runMigrations({ transaction: 'each' }));
    expect(await ledger.rolledHours(hour(0), hour(6), 'cpu/usage_rate')).toEqual(rolled);
    expect(await ledger.rolledHours(hour(0), hour(6), 'cpu/request')).toEqual([]);
    expect(await ledger.rolledHours(hour(0), hour(6), 'memory/request')).toEqual([]);
    // Rolled again, an hour holds its requests.
    await write(ledger, undefined, 2);
    expect(await ledger.rolledHours(hour(0), hour(6), 'cpu/request')).toEqual(rolled);
  });

  it('should give an hour’s figures back exactly, the peak of an hour without samples as -Infinity', async () => {
    const memory = new InMemoryLedger(METRICS);
    await write(ledger, memory, 2);
    for (const metric of METRICS) {
      expect(await ledger.podFigures(metric, hour(2), hour(3), {})).toEqual(await memory.podFigures(metric, hour(2), hour(3), {}));
    }
    const peakless = { integral: 12.5, increase: 0, coveredMs: 30_000, samples: 0, sum: 0, max: -Infinity };
    const roll: MetricHour = {
      metric: 'gpu/usage',
      hourMs: hour(7),
      stepMs: MIN,
      scale: 1e-3,
      pods: [{ namespace: 'alpha', pod: 'late', figures: peakless }],
      namespaces: [{ namespace: 'alpha', pods: 1, figures: peakless, steps: { source: 'pods', steps: { times: [hour(7) - MIN], values: [1500] } } }],
    };
    await ledger.writeHour(hour(7), [roll], { rawSamples: {} });
    expect(await ledger.podFigures('gpu/usage', hour(7), hour(8), {})).toEqual(roll.pods);
    expect(await ledger.namespaceHours('gpu/usage', hour(7), hour(8), {}, true)).toEqual([
      { hourMs: hour(7), stepMs: MIN, scale: 1e-3, namespace: 'alpha', pods: 1, figures: peakless, steps: roll.namespaces[0]?.steps },
    ]);
    // The pod has no CPU or memory that hour: it is no row of theirs.
    expect(await ledger.podFigures('cpu/usage_rate', hour(7), hour(8), {})).toEqual([]);
  });

  it('should replace an hour written again, never count it twice', async () => {
    const other = await rollCluster(777);
    await write(ledger, undefined, 2);
    await write(ledger, undefined, 3);
    const memory = new InMemoryLedger(METRICS);
    const newer = other.get(hour(2)) as MetricHour[];
    await write(ledger, memory, 2, newer);
    await write(ledger, memory, 3);
    for (const metric of METRICS) {
      expectSamePods(await ledger.podFigures(metric, hour(2), hour(4), {}), await memory.podFigures(metric, hour(2), hour(4), {}));
      expect(await ledger.namespaceHours(metric, hour(2), hour(4), {}, true)).toEqual(byHourAndName(await memory.namespaceHours(metric, hour(2), hour(4), {}, true)));
    }
    // Written again with CPU only, the hour has no memory or GPU left.
    const cpuOnly = newer.filter((r) => r.metric === 'cpu/usage_rate');
    await ledger.writeHour(hour(2), cpuOnly, { rawSamples: rawSamplesOf(cpuOnly) });
    expect(await ledger.podFigures('memory/usage', hour(2), hour(3), {})).toEqual([]);
    expect(await ledger.namespaceHours('memory/usage', hour(2), hour(3), {}, false)).toEqual([]);
    expect((await ledger.podFigures('cpu/usage_rate', hour(2), hour(3), {})).length).toBe(cpuOnly[0]?.pods.length);
    expect((await ledger.summary()).podHours).toBe((cpuOnly[0]?.pods.length ?? 0) + distinctPods(rollsOf(3)));
  });

  it('should keep which node each pod ran on per hour, replaced with the hour’s node rows', async () => {
    const nodes = new LedgerNodeStore(database);
    const figures = (integral: number) => ({ ...emptyFigures(), integral, coveredMs: HOUR_MS, max: 4000 });
    const cpu = [{ node: 'gpu-1', figures: figures(4000 * 3600) }];
    await nodes.writeNodeHours(
      hour(1),
      cpu,
      [],
      [
        { namespace: 'lab', pod: 'train', node: 'gpu-1', samples: 60 },
        { namespace: 'db', pod: 'pg-0', node: 'cpu-1', samples: 30 },
      ],
    );
    await nodes.writeNodeHours(hour(2), cpu, [], [{ namespace: 'db', pod: 'pg-0', node: 'cpu-2', samples: 60 }]);
    // Rolled again, an hour's pods' nodes are the new ones only.
    await nodes.writeNodeHours(hour(1), cpu, [], [{ namespace: 'db', pod: 'pg-0', node: 'cpu-1', samples: 31 }]);
    const read = await nodes.podNodes(hour(0), hour(3));
    expect(read.sort((a, b) => a.hourMs - b.hourMs)).toEqual([
      { hourMs: hour(1), namespace: 'db', pod: 'pg-0', node: 'cpu-1', samples: 31 },
      { hourMs: hour(2), namespace: 'db', pod: 'pg-0', node: 'cpu-2', samples: 60 },
    ]);
    expect(await nodes.podNodes(hour(2), hour(3))).toHaveLength(1);
    expect((await nodes.nodeHours(hour(1), hour(2)))[0]).toMatchObject({ node: 'gpu-1', cpu: { integral: 4000 * 3600 } });
  });

  it('should leave the hour as it was when a write fails half-way', async () => {
    await write(ledger, undefined, 2);
    const before = await ledger.namespaceHours('memory/usage', hour(2), hour(3), {}, true);
    const [first, ...rest] = rollsOf(2);
    // A source the table refuses: the statement fails inside the transaction, after the deletes.
    const broken = rest.map((r) => ({ ...r, namespaces: r.namespaces.map((n) => ({ ...n, steps: { ...n.steps, source: 'bogus' as 'pods' } })) }));
    await expect(ledger.writeHour(hour(2), [first as MetricHour, ...broken], { rawSamples: {} })).rejects.toThrow();
    expect(await ledger.namespaceHours('memory/usage', hour(2), hour(3), {}, true)).toEqual(before);
    expect((await ledger.podFigures('memory/usage', hour(2), hour(3), {})).length).toBeGreaterThan(0);
  });

  it('should refuse what it could not store exactly', async () => {
    const [roll] = rollsOf(2) as [MetricHour];
    const attempt = (h: number, rolls: MetricHour[], rawSamples: Record<string, number> = {}) => ledger.writeHour(h, rolls, { rawSamples });
    await expect(attempt(hour(2) + 1, [])).rejects.toThrow(/not the start of an hour/);
    await expect(attempt(hour(3), [roll])).rejects.toThrow(/written as hour/);
    await expect(attempt(hour(2), [{ ...roll, metric: 'uptime' }])).rejects.toThrow(/not rolled by the ledger/);
    await expect(attempt(hour(2), [roll, roll])).rejects.toThrow(/given twice/);
    const pod = roll.pods[0] as PodFigures;
    await expect(attempt(hour(2), [{ ...roll, pods: [{ ...pod, figures: { ...pod.figures, coveredMs: 1.5 } }] }])).rejects.toThrow(/cannot be stored exactly/);
    await expect(attempt(hour(2), [{ ...roll, pods: [{ ...pod, figures: { ...pod.figures, integral: NaN } }] }])).rejects.toThrow(/cannot be stored exactly/);
    await expect(attempt(hour(2), [], { 'cpu/usage_rate': -1 })).rejects.toThrow(/raw sample count/);
    expect(await ledger.rolledHours(hour(-10), hour(10))).toEqual([]);
  });

  it('should throw on a corrupt step series rather than answer with it', async () => {
    await write(ledger, undefined, 2);
    await database.run((ds) => ds.query(`UPDATE "ledger_namespace_hours" SET "steps" = ${kind === 'postgres' ? `'\\x0102'::bytea` : `x'0102'`}`));
    await expect(ledger.namespaceHours('memory/usage', hour(2), hour(3), {}, true)).rejects.toThrow(/corrupt step series/);
    // Without the series, the figures still answer.
    expect((await ledger.namespaceHours('memory/usage', hour(2), hour(3), {}, false)).length).toBeGreaterThan(0);
  });

  it('should write an hour of thousands of pods and namespaces in statements under the parameter limits', async () => {
    // 4000 pod rows (20 parameters each) and 4500 namespace rows (15 each) take several statements on either store.
    const rnd = seededRandom(99);
    const figures = (): SeriesFigures => ({
      integral: rnd() * 1e6,
      increase: rnd(),
      coveredMs: 1 + Math.floor(rnd() * HOUR_MS),
      samples: Math.floor(rnd() * 60),
      sum: rnd() * 1e4,
      max: rnd() * 900,
    });
    const pods = Array.from({ length: 4000 }, (_, i) => ({ namespace: `ns-${String(i % 1500).padStart(4, '0')}`, pod: `pod-${i}`, figures: figures() }));
    const namespaces = Array.from({ length: 4500 }, (_, i) => ({
      namespace: `ns-${String(i).padStart(4, '0')}`,
      pods: i < 1000 ? 3 : i < 1500 ? 2 : 0,
      figures: figures(),
      steps: { source: 'pods' as const, steps: { times: [hour(5), hour(5) + MIN], values: [rnd(), rnd()] } },
    }));
    const roll: MetricHour = { metric: 'memory/usage', hourMs: hour(5), stepMs: MIN, scale: 1, pods, namespaces };
    const memory = new InMemoryLedger(METRICS);
    await write(ledger, memory, 5, [roll]);
    await write(ledger, memory, 5, [roll]);
    expect(await ledger.podFigures('memory/usage', hour(5), hour(6), {})).toEqual(await memory.podFigures('memory/usage', hour(5), hour(6), {}));
    expect(await ledger.namespaceHours('memory/usage', hour(5), hour(6), {}, true)).toEqual(byHourAndName(await memory.namespaceHours('memory/usage', hour(5), hour(6), {}, true)));
    expect((await ledger.summary()).podHours).toBe(4000);
    // Long namespace lists are bound parameters too.
    const picked = namespaces.slice(200, 900).map((n) => n.namespace);
    for (const filter of [{ only: picked }, { exclude: picked }]) {
      const expected = await memory.podFigures('memory/usage', hour(5), hour(6), filter);
      expect(expected.length).toBeGreaterThan(1000);
      expect(await ledger.podFigures('memory/usage', hour(5), hour(6), filter)).toEqual(expected);
    }
  });

  it('should record an hour with no pods at all', async () => {
    const empty = METRICS.map((metric): MetricHour => ({ metric, hourMs: hour(4), stepMs: MIN, scale: 1, pods: [], namespaces: [] }));
    await ledger.writeHour(hour(4), empty, { rawSamples: { 'cpu/usage_rate': 0 } });
    await ledger.writeHour(hour(5), [], { rawSamples: {} });
    expect(await ledger.rolledHours(hour(0), hour(10))).toEqual([hour(4), hour(5)]);
    expect(await ledger.podFigures('cpu/usage_rate', hour(0), hour(10), {})).toEqual([]);
    expect(await ledger.stepMs('cpu/usage_rate', hour(0), hour(10))).toBeUndefined();
    expect(await ledger.summary()).toEqual({ firstHourMs: hour(4), rolledThroughMs: hour(6), podHours: 0 });
  });

  it('should keep when each hour was rolled, its raw sample counts, and the re-roll queue', async () => {
    for (const h of [0, 1, 2, 4]) {
      clock = Date.UTC(2025, 0, 1, 12, h, 30, 250);
      await write(ledger, undefined, h);
    }
    const records = await ledger.hourRecords(hour(0), hour(4));
    expect(records.map((r) => r.hourMs)).toEqual([hour(0), hour(1), hour(2)]);
    expect(records.map((r) => r.rolledAt.toISOString())).toEqual(['2025-01-01T12:00:30.250Z', '2025-01-01T12:01:30.250Z', '2025-01-01T12:02:30.250Z']);
    expect(records.map((r) => r.rawSamples)).toEqual([0, 1, 2].map((h) => rawSamplesOf(rollsOf(h))));
    expect(records.every((r) => r.stale === false)).toBe(true);

    expect(await ledger.markStale(hour(1), hour(10))).toBe(3);
    expect(await ledger.markStale(hour(5), hour(10))).toBe(0);
    expect(await ledger.staleHours(2)).toEqual([hour(1), hour(2)]);
    expect(await ledger.staleHours(10)).toEqual([hour(1), hour(2), hour(4)]);
    expect((await ledger.hourRecords(hour(0), hour(5))).map((r) => r.stale)).toEqual([false, true, true, true]);
    // Stale hours still answer until they are rolled again, which clears the flag.
    expect(await ledger.rolledHours(hour(0), hour(5))).toEqual([hour(0), hour(1), hour(2), hour(4)]);
    clock = Date.UTC(2025, 0, 2);
    await write(ledger, undefined, 2);
    expect(await ledger.staleHours(10)).toEqual([hour(1), hour(4)]);
    expect((await ledger.hourRecords(hour(2), hour(3)))[0]).toMatchObject({ stale: false, rolledAt: new Date(clock) });
  });

  it('should sum up the ledger: first hour, the unbroken run from it, pod-hours', async () => {
    expect(await ledger.summary()).toEqual({ firstHourMs: null, rolledThroughMs: null, podHours: 0 });
    for (const h of [0, 1, 2, 5]) await write(ledger, undefined, h);
    expect(await ledger.summary()).toEqual({
      firstHourMs: hour(0),
      rolledThroughMs: hour(3),
      podHours: [0, 1, 2, 5].reduce((n, h) => n + distinctPods(rollsOf(h)), 0),
    });
    await write(ledger, undefined, 3);
    await write(ledger, undefined, 4);
    expect((await ledger.summary()).rolledThroughMs).toBe(hour(6));
    await write(ledger, undefined, -1);
    expect(await ledger.summary()).toMatchObject({ firstHourMs: hour(-1), rolledThroughMs: hour(6) });
  });

  it('should list the hours not rolled yet, oldest first, up to a limit, over any length of range', async () => {
    for (const h of [0, 1, 3]) await write(ledger, undefined, h);
    expect(await ledger.unrolledHours(hour(0), hour(6), 10)).toEqual([hour(2), hour(4), hour(5)]);
    expect(await ledger.unrolledHours(hour(0), hour(6), 2)).toEqual([hour(2), hour(4)]);
    expect(await ledger.unrolledHours(hour(0), hour(6), 0)).toEqual([]);
    // An unaligned start begins at the next whole hour; the end is exclusive.
    expect(await ledger.unrolledHours(hour(-1) + 1, hour(3), 10)).toEqual([hour(2)]);
    // Ranges longer than one lookup window: 60 days with two rolled hours far apart.
    await ledger.writeHour(hour(24 * 40), [], { rawSamples: {} });
    const sixtyDays = await ledger.unrolledHours(hour(0), hour(24 * 60), 10_000);
    expect(sixtyDays).toHaveLength(24 * 60 - 4);
    expect(sixtyDays).not.toContain(hour(24 * 40));
    expect(sixtyDays.slice(0, 3)).toEqual([hour(2), hour(4), hour(5)]);
    expect(await ledger.unrolledHours(hour(24 * 40) - 2 * HOUR_MS, hour(24 * 60), 2)).toEqual([hour(24 * 40 - 2), hour(24 * 40 - 1)]);
    expect(await ledger.unrolledHours(hour(24 * 40), hour(24 * 60), 1)).toEqual([hour(24 * 40 + 1)]);
  });

  it('should run the roll under a lock only one store holds at a time', async () => {
    const second = new UserDatabase(store.config, { logger: quiet });
    await second.connect();
    try {
      const other = new LedgerStore(second);
      const blocked = jest.fn(async () => 'ran');
      const inside = await ledger.withRollLock(async () => {
        // SQLite: one process, no lock to take; PostgreSQL: the other replica is turned away.
        const result = await other.withRollLock(blocked);
        if (kind === 'postgres') {
          expect(result).toBeUndefined();
          expect(blocked).not.toHaveBeenCalled();
          // The migration lock is another key: a replica starting meanwhile still migrates.
          const third = new UserDatabase(store.config, { logger: quiet });
          await expect(third.start()).resolves.toBe(true);
          await third.close();
        } else {
          expect(result).toBe('ran');
        }
        return 'held';
      });
      expect(inside).toBe('held');
      // Released once the work is done, and when it fails.
      await expect(ledger.withRollLock(async () => Promise.reject(new Error('roll failed')))).rejects.toThrow('roll failed');
      await expect(other.withRollLock(async () => 'after')).resolves.toBe('after');
      if (kind === 'postgres') {
        const held = await database.run((ds) => ds.query(`SELECT COUNT(*) AS "n" FROM pg_locks WHERE locktype = 'advisory'`));
        expect(Number(held[0].n)).toBe(0);
      }
    } finally {
      await second.close();
    }
  });
});

function distinctPods(rolls: readonly MetricHour[]): number {
  return new Set(rolls.flatMap((r) => r.pods.map(podId))).size;
}
