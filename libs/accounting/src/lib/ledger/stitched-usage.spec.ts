import fc from 'fast-check';

import { addDisjointFigures, emptyFigures, SeriesFigures } from '../figures';
import { podId } from '../pod-key';
import { NamespaceFilter } from '../sample-reader';
import { InMemoryLedger } from '../testing/in-memory-ledger';
import { InMemorySamples, InMemoryStore } from '../testing/in-memory-samples';
import { testCluster } from '../testing/test-cluster';
import { MetricUsage, UsageEngine, UsageOptions } from '../usage-engine';
import { rollMetricHour } from './hour-roller';
import { HOUR_MS, UsageSpan } from './ledger-records';
import { planSpans, stitchedUsage } from './stitched-usage';

const MIN = 60_000;
const T0 = Date.UTC(2024, 2, 20);
const HOURS = 6;

function cluster(seed: number, mixed = false) {
  return testCluster(seed, { startMs: T0, hours: HOURS, mixed });
}

/**
 * Usage within 1e-9 relative, counts and peaks exact. A gauge's `increase` means nothing and is not
 * compared (only counters' increases are billed, as the CPU counter twin's); nor is a group total's
 * integral (a report bills the sum of the pods and takes only coverage and peak from the total).
 */
function expectSameFigures(actual: SeriesFigures, expected: SeriesFigures, what: string, kind: 'counter' | 'gauge' | 'group' = 'counter'): void {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  const ok =
    (kind === 'group' || close(actual.integral, expected.integral)) &&
    (kind !== 'counter' || close(actual.increase, expected.increase)) &&
    close(actual.sum, expected.sum) &&
    actual.coveredMs === expected.coveredMs &&
    actual.samples === expected.samples &&
    actual.max === expected.max;
  if (!ok) throw new Error(`${what}: ledger ${JSON.stringify(actual)} live ${JSON.stringify(expected)}`);
}

/** `expectedTotal`: the total's figures where they are not the whole period's live ones (see below). */
function expectSameUsage(actual: MetricUsage, expected: MetricUsage, expectedTotal = expected.total): void {
  expect(actual.pods.map(podId)).toEqual(expected.pods.map(podId));
  actual.pods.forEach((p, i) => expectSameFigures(p.figures, expected.pods[i]?.figures as SeriesFigures, `pod ${podId(p)}`, 'gauge'));
  expect([...actual.namespaces.keys()].sort()).toEqual([...expected.namespaces.keys()].sort());
  for (const [ns, f] of actual.namespaces) expectSameFigures(f, expected.namespaces.get(ns) as SeriesFigures, `namespace ${ns}`, 'group');
  if (expectedTotal) expectSameFigures(actual.total as SeriesFigures, expectedTotal, 'total', 'group');
}

/**
 * The total over several namespaces, computed live span by span and, in the ledger's spans, hour by
 * hour. Which series a total sums (the collector's namespace totals, or the counted pods' when a
 * namespace without one has pods) is decided for each computation: over a long live period a
 * pods-only namespace anywhere in it makes every hour a sum of pods, where a rolled hour without
 * that namespace's pods sums the collector's totals (closer to what ran).
 */
async function liveTotalByHour(engine: UsageEngine, samples: InMemorySamples, spans: readonly UsageSpan[], filter: NamespaceFilter): Promise<SeriesFigures> {
  let total = emptyFigures();
  for (const span of spans) {
    const parts =
      span.source === 'live'
        ? [[span.fromMs, span.toMs]]
        : Array.from({ length: (span.toMs - span.fromMs) / HOUR_MS }, (_, i) => [span.fromMs + i * HOUR_MS, span.fromMs + (i + 1) * HOUR_MS]);
    for (const [a, b] of parts) {
      const u = await engine.usage(samples, { from: new Date(a as number), to: new Date(b as number) }, filter, MIN, { total: true });
      total = addDisjointFigures(total, u.total as SeriesFigures);
    }
  }
  return total;
}

describe('planSpans', () => {
  it('should read whole rolled hours from the ledger and the edges and gaps live', () => {
    const h = (n: number) => T0 + n * HOUR_MS;
    expect(planSpans(h(0) + 90_000, h(4) + 60_000, [h(1), h(2), h(3)])).toEqual([
      { fromMs: h(0) + 90_000, toMs: h(1), source: 'live' },
      { fromMs: h(1), toMs: h(4), source: 'ledger' },
      { fromMs: h(4), toMs: h(4) + 60_000, source: 'live' },
    ]);
    expect(planSpans(h(0), h(3), [h(0), h(2)])).toEqual([
      { fromMs: h(0), toMs: h(1), source: 'ledger' },
      { fromMs: h(1), toMs: h(2), source: 'live' },
      { fromMs: h(2), toMs: h(3), source: 'ledger' },
    ]);
    expect(planSpans(h(0) + 1, h(1) - 1, [h(0)])).toEqual([{ fromMs: h(0) + 1, toMs: h(1) - 1, source: 'live' }]);
  });
});

describe(stitchedUsage.name, () => {
  const cases = fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    // Period edges anywhere, to the second, inside hours or on them.
    fromS: fc.oneof(
      fc.integer({ min: -1800, max: HOURS * 3600 }),
      fc.integer({ min: 0, max: HOURS }).map((h) => h * 3600),
    ),
    lengthS: fc.oneof(
      fc.integer({ min: 60, max: (HOURS + 1) * 3600 }),
      fc.integer({ min: 1, max: HOURS }).map((h) => h * 3600),
    ),
    rolledMask: fc.integer({ min: 0, max: 2 ** (HOURS + 2) - 1 }),
    filter: fc.constantFrom({}, { exclude: ['kube-system'] }, { only: ['beta'] }, { only: ['alpha', 'beta'] }),
    metric: fc.constantFrom('gauge', 'rate') as fc.Arbitrary<'gauge' | 'rate'>,
  });

  it('should give the live figures of any period, whatever hours are rolled', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ seed, fromS, lengthS, rolledMask, filter, metric }) => {
        const c = cluster(seed);
        const samples = c[metric];
        const engine = new UsageEngine(c.store, { fixedStepMs: MIN });
        const ledger = new InMemoryLedger(['memory/usage', 'cpu/usage_rate']);
        for (let h = -1; h <= HOURS; h++) {
          if (rolledMask & (1 << (h + 1))) ledger.write(await rollMetricHour(engine, samples, T0 + h * HOUR_MS));
        }
        const period = { from: new Date(T0 + fromS * 1000), to: new Date(T0 + (fromS + lengthS) * 1000) };
        const options: UsageOptions = { namespaces: true, total: true };
        const live = await engine.usage(samples, period, filter, MIN, options);
        const stitched = await stitchedUsage(ledger, (s, p, n, step, o) => engine.usage(s, p, n, step, o), samples, period, filter, MIN, options);
        expectSameUsage(stitched, live, await liveTotalByHour(engine, samples, stitched.spans, filter));
        // The spans tile the period.
        expect(stitched.spans[0]?.fromMs).toBe(period.from.getTime());
        expect(stitched.spans[stitched.spans.length - 1]?.toMs).toBe(period.to.getTime());
      }),
      {
        numRuns: 400,
        // Found by this property: a pod counted from its containers in one hour while its own series,
        // jittered, has a sample just before the hour: both were summed into the namespace's total.
        examples: [
          [{ seed: 546906889, fromS: 14400, lengthS: 10800, rolledMask: 128, filter: { only: ['alpha', 'beta'] }, metric: 'gauge' }],
          [{ seed: 496017431, fromS: 7200, lengthS: 3601, rolledMask: 56, filter: {}, metric: 'rate' }],
          [{ seed: 1391366685, fromS: 0, lengthS: 18000, rolledMask: 16, filter: {}, metric: 'gauge' }],
        ],
      },
    );
  });

  it('should read a period of rolled hours from the ledger alone, even with the samples gone', async () => {
    const c = cluster(4242);
    const engine = new UsageEngine(c.store, { fixedStepMs: MIN });
    const ledger = new InMemoryLedger(['memory/usage']);
    for (let h = 0; h < HOURS; h++) ledger.write(await rollMetricHour(engine, c.gauge, T0 + h * HOUR_MS));
    const period = { from: new Date(T0 + HOUR_MS), to: new Date(T0 + 5 * HOUR_MS) };
    const options = { namespaces: true, total: true };
    const expected = await engine.usage(c.gauge, period, {}, MIN, options);
    const gone = new InMemorySamples('memory/usage', []);
    const live = jest.fn((s, p, n, step, o) => engine.usage(s, p, n, step, o));
    const stitched = await stitchedUsage(ledger, live, gone, period, {}, MIN, options);
    expect(live).not.toHaveBeenCalled();
    expect(stitched.spans).toEqual([{ fromMs: period.from.getTime(), toMs: period.to.getTime(), source: 'ledger' }]);
    expectSameUsage(stitched, expected);
    expect(stitched.pods.length).toBeGreaterThan(5);
  });

  it('should count a pod whose own series stops in its namespace’s peak from the hour its containers alone go on', async () => {
    // Live over several hours, such a pod is read from its own series and, where that has stopped,
    // from its containers; but the namespace's per-step total adds containers only for pods with no
    // own series in the whole period, so the live peak misses it. Rolled per hour, it is counted.
    const pod = (from: number, to: number, v: number): [number, number][] => Array.from({ length: to - from + 1 }, (_, i) => [T0 + (from + i) * MIN, v]);
    const samples = new InMemorySamples('memory/usage', [
      { level: 'pod', namespace: 'beta', pod: 'a', samples: pod(1, 50, 100) },
      { level: 'container', namespace: 'beta', pod: 'a', container: 'app', samples: [...pod(1, 60, 100), ...pod(61, 120, 200)] },
      { level: 'pod', namespace: 'beta', pod: 'b', samples: pod(1, 120, 10) },
    ]);
    const engine = new UsageEngine(new InMemoryStore(), { fixedStepMs: MIN });
    const ledger = new InMemoryLedger(['memory/usage']);
    for (const h of [0, 1]) ledger.write(await rollMetricHour(engine, samples, T0 + h * HOUR_MS));
    const period = { from: new Date(T0), to: new Date(T0 + 2 * HOUR_MS) };
    const options = { namespaces: true, total: true };
    const live = await engine.usage(samples, period, {}, MIN, options);
    const stitched = await stitchedUsage(ledger, (s, p, n, step, o) => engine.usage(s, p, n, step, o), samples, period, {}, MIN, options);
    // Both bill the pod for both hours...
    expect(stitched.pods.map((p) => p.figures.integral)).toEqual(live.pods.map((p) => p.figures.integral));
    // ...but only the ledger's namespace peak is that of the sum of its pods in the second hour.
    expect(stitched.namespaces.get('beta')?.max).toBe(210);
    expect(live.namespaces.get('beta')?.max).toBe(110);
    expect(stitched.total?.max).toBe(210);
  });
});
