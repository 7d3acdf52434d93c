import fc from 'fast-check';

import { SeriesFigures } from '../figures';
import { podId } from '../pod-key';
import { InMemoryLedger } from '../testing/in-memory-ledger';
import { InMemorySamples, InMemoryStore, StoredSeries } from '../testing/in-memory-samples';
import { MetricUsage, UsageEngine, UsageOptions } from '../usage-engine';
import { rollMetricHour } from './hour-roller';
import { HOUR_MS } from './ledger-records';
import { planSpans, stitchedUsage } from './stitched-usage';

const MIN = 60_000;
const T0 = Date.UTC(2024, 2, 20);
const HOURS = 6;

/** A small deterministic generator, so a failing seed reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

interface Cluster {
  gauge: InMemorySamples;
  rate: InMemorySamples;
  store: InMemoryStore;
}

/**
 * A cluster that throws everything at the accounting: pods starting and stopping inside hours, lost
 * scrapes, scrape jitter, pods with container series only, pods with both, a collector total for
 * some namespaces only, counters with restarts, and a pod name shared by two namespaces. With
 * `mixed`, some pods' own series also stop half-way while their containers go on (see the last spec).
 */
function cluster(seed: number, mixed = false): Cluster {
  const rnd = random(seed);
  const int = (a: number, b: number) => a + Math.floor(rnd() * (b - a + 1));
  const gauge: StoredSeries[] = [];
  const rate: StoredSeries[] = [];
  const counter: StoredSeries[] = [];
  const nsTotals = new Map<string, Map<number, number>>();
  for (const namespace of ['alpha', 'beta', 'kube-system']) {
    const withCollector = namespace !== 'beta';
    for (let i = 0; i < int(2, 4); i++) {
      const pod = i === 0 ? 'shared' : `${namespace}-${i}`;
      const kind = rnd();
      const containerOnly = kind < 0.25;
      const podStopsAt = mixed && kind > 0.8 ? int(30, HOURS * 60) : Infinity;
      const jitter = rnd() < 0.3 ? 5000 : 0;
      const lives: [number, number][] = [];
      let m = int(-10, 90);
      while (m < HOURS * 60 + 10) {
        const end = m + int(5, 200);
        lives.push([m, end]);
        m = end + int(3, 120);
      }
      const podSamples: [number, number][] = [];
      const containers: Record<string, [number, number][]> = { app: [], side: [] };
      const counterSamples: [number, number][] = [];
      let cpuNs = 0;
      for (const [start, end] of lives) {
        cpuNs = int(0, 3) * 1e6;
        for (let t = start; t <= end; t++) {
          if (rnd() < 0.03) continue; // a lost scrape
          const at = T0 + t * MIN + (jitter ? int(-jitter, jitter) : 0);
          const app = int(100, 900);
          const side = int(0, 100);
          cpuNs += (app + side) * 60 * 1e6;
          if (!containerOnly && t < podStopsAt) podSamples.push([at, app + side]);
          if (containerOnly || kind > 0.6) {
            containers['app']?.push([T0 + t * MIN, app]);
            containers['side']?.push([T0 + t * MIN, side]);
          }
          counterSamples.push([at, cpuNs]);
          if (withCollector) {
            const totals = nsTotals.get(namespace) ?? new Map<number, number>();
            totals.set(T0 + t * MIN, (totals.get(T0 + t * MIN) ?? 0) + app + side);
            nsTotals.set(namespace, totals);
          }
        }
      }
      for (const series of [gauge, rate]) {
        if (podSamples.length) series.push({ level: 'pod', namespace, pod, samples: podSamples });
        for (const [container, samples] of Object.entries(containers)) if (samples.length) series.push({ level: 'container', namespace, pod, container, samples });
      }
      if (!containerOnly && counterSamples.length) counter.push({ level: 'pod', namespace, pod, samples: counterSamples });
    }
  }
  for (const [namespace, totals] of nsTotals) {
    const samples = [...totals.entries()].sort((a, b) => a[0] - b[0]);
    gauge.push({ level: 'namespace', namespace, samples });
    rate.push({ level: 'namespace', namespace, samples });
  }
  const counterSamples = new InMemorySamples('cpu/usage', counter, { hasContainerSeries: false });
  return {
    gauge: new InMemorySamples('memory/usage', gauge),
    rate: new InMemorySamples('cpu/usage_rate', rate),
    store: new InMemoryStore({ 'cpu/usage': counterSamples }),
  };
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

function expectSameUsage(actual: MetricUsage, expected: MetricUsage): void {
  expect(actual.pods.map(podId)).toEqual(expected.pods.map(podId));
  actual.pods.forEach((p, i) => expectSameFigures(p.figures, expected.pods[i]?.figures as SeriesFigures, `pod ${podId(p)}`, 'gauge'));
  expect([...actual.namespaces.keys()].sort()).toEqual([...expected.namespaces.keys()].sort());
  for (const [ns, f] of actual.namespaces) expectSameFigures(f, expected.namespaces.get(ns) as SeriesFigures, `namespace ${ns}`, 'group');
  if (expected.total) expectSameFigures(actual.total as SeriesFigures, expected.total, 'total', 'group');
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
    fromS: fc.oneof(fc.integer({ min: -1800, max: HOURS * 3600 }), fc.integer({ min: 0, max: HOURS }).map((h) => h * 3600)),
    lengthS: fc.oneof(fc.integer({ min: 60, max: (HOURS + 1) * 3600 }), fc.integer({ min: 1, max: HOURS }).map((h) => h * 3600)),
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
        expectSameUsage(stitched, live);
        // The spans tile the period.
        expect(stitched.spans[0]?.fromMs).toBe(period.from.getTime());
        expect(stitched.spans[stitched.spans.length - 1]?.toMs).toBe(period.to.getTime());
      }),
      { numRuns: 150 },
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
