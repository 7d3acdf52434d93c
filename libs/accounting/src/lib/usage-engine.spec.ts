import { PodFigures, rollupNamespaces } from './group-rollup';
import { podId, PodKey } from './pod-key';
import { SamplePiece } from './sample-reader';
import { InMemorySamples, InMemoryStore, StoredSeries } from './testing/in-memory-samples';
import { MetricUsage, UsageCache, UsageEngine } from './usage-engine';

const MIN = 60_000;
const T0 = Date.UTC(2024, 2, 20);
/** One hour, sampled every minute. */
const period = { from: new Date(T0), to: new Date(T0 + 60 * MIN) };

/** Samples every minute from minute `first` to `last` (inclusive), `value(m)` at minute m, `offsetMs` of jitter. */
function minutes(first: number, last: number, value: (m: number) => number, offsetMs = 0, skip: readonly number[] = []): [number, number][] {
  const out: [number, number][] = [];
  for (let m = first; m <= last; m++) if (!skip.includes(m)) out.push([T0 + m * MIN + offsetMs, value(m)]);
  return out;
}

function pod(namespace: string, name: string, samples: [number, number][]): StoredSeries {
  return { level: 'pod', namespace, pod: name, samples };
}

function container(namespace: string, podName: string, name: string, samples: [number, number][]): StoredSeries {
  return { level: 'container', namespace, pod: podName, container: name, samples };
}

function figuresOf(usage: MetricUsage, namespace: string, name: string): PodFigures['figures'] {
  const p = usage.pods.find((x) => x.namespace === namespace && x.pod === name);
  if (!p) throw new Error(`no pod ${namespace}/${name} in ${usage.pods.map(podId).join(', ')}`);
  return p.figures;
}

async function usageOf(samples: InMemorySamples, options = {}, others: Record<string, InMemorySamples> = {}): Promise<MetricUsage> {
  const engine = new UsageEngine(new InMemoryStore(others));
  return engine.usage(samples, period, {}, await engine.stepMs(samples, period), options);
}

describe(UsageEngine.name, () => {
  it('should integrate a pod from its own series, never adding its containers too', async () => {
    // 1000 mcores for the hour: the sample at minute 60 (stamped at `to`) covers the last minute.
    const cpu = new InMemorySamples('cpu/usage_rate', [
      pod(
        'lab',
        'a',
        minutes(1, 60, () => 1000),
      ),
      container(
        'lab',
        'a',
        'app',
        minutes(1, 60, () => 800),
      ),
      container(
        'lab',
        'a',
        'sidecar',
        minutes(1, 60, () => 200),
      ),
    ]);
    const usage = await usageOf(cpu);
    expect(usage.stepMs).toBe(MIN);
    expect(usage.pods.map(podId)).toEqual([podId({ namespace: 'lab', pod: 'a' })]);
    expect(figuresOf(usage, 'lab', 'a')).toEqual({ integral: 1000 * 3600, increase: 0, coveredMs: 60 * MIN, samples: 59, sum: 59 * 1000, max: 1000 });
  });

  it('should bridge a lost scrape and count a stopped pod’s gap as no usage', async () => {
    // Minute 10 lost (bridged); stopped from minute 21 to 39 (20 minutes with no sample: not bridged).
    const cpu = new InMemorySamples('cpu/usage_rate', [pod('lab', 'a', [...minutes(1, 20, () => 600, 0, [10]), ...minutes(40, 60, () => 600)])]);
    const f = figuresOf(await usageOf(cpu), 'lab', 'a');
    // Covered: (0, 20 min] and (39 min, 60 min].
    expect(f.coveredMs).toBe(41 * MIN);
    expect(f.integral).toBeCloseTo(600 * 41 * 60, 6);
    expect(f.samples).toBe(19 + 20);
  });

  it('should count a counter across a restart of its container', async () => {
    // 100 per minute; the container restarts at minute 30 (the counter starts again at 50).
    const rx = new InMemorySamples('network/rx', [
      pod(
        'lab',
        'a',
        minutes(1, 60, (m) => (m < 30 ? 100 * m : 50 + 100 * (m - 30))),
      ),
    ]);
    const f = figuresOf(await usageOf(rx), 'lab', 'a');
    // From zero at minute 1 (100), +100 up to minute 29 (2900), +50 at the restart, +100 × 30 after.
    expect(f.increase).toBeCloseTo(2900 + 50 + 3000, 9);
  });

  it('should follow a container-only pod’s counters per container, so one container’s restart is not a drop of the pod', async () => {
    const cpu = new InMemorySamples('cpu/usage', [
      pod(
        'lab',
        'a',
        minutes(1, 60, (m) => 1e6 * m),
      ),
      // Pod b has no pod-level series: app restarts at minute 30, the sidecar ran before the period.
      container(
        'lab',
        'b',
        'app',
        minutes(1, 60, (m) => (m < 30 ? 1e6 * m : 5e5 + 1e6 * (m - 30))),
      ),
      container(
        'lab',
        'b',
        'sidecar',
        minutes(0, 60, (m) => 1e9 + 2e5 * m),
      ),
    ]);
    const usage = await usageOf(cpu);
    // app: 29e6 up to minute 29 (from zero), 0.5e6 at the restart, 30e6 after; sidecar: 60 × 2e5.
    expect(figuresOf(usage, 'lab', 'b').increase).toBeCloseTo(29e6 + 0.5e6 + 30e6 + 12e6, 3);
    expect(figuresOf(usage, 'lab', 'a').increase).toBeCloseTo(60e6, 3);
  });

  it('should add up a container-only pod’s containers per scrape, at the scrape’s own jittered time', async () => {
    const mem = new InMemorySamples('memory/usage', [
      pod(
        'lab',
        'a',
        minutes(1, 60, () => 10),
      ),
      container(
        'lab',
        'b',
        'app',
        minutes(0, 60, () => 200, 2_000),
      ),
      container(
        'lab',
        'b',
        'sidecar',
        minutes(0, 60, () => 50, 3_000),
      ),
    ]);
    const f = figuresOf(await usageOf(mem), 'lab', 'b');
    // One scrape of 250 every minute from 00:00:02 to 01:00:02: the hour covered, 60 samples inside it.
    expect(f).toEqual({ integral: 250 * 3600, increase: 0, coveredMs: 60 * MIN, samples: 60, sum: 60 * 250, max: 250 });
  });

  it('should count a pod from its containers only where its own series has no data', async () => {
    // The pod's own series stops after minute 30; its one container goes on to the end.
    const cpu = new InMemorySamples('cpu/usage_rate', [
      pod(
        'lab',
        'c',
        minutes(1, 30, () => 100),
      ),
      container(
        'lab',
        'c',
        'app',
        minutes(1, 60, () => 100),
      ),
    ]);
    const f = figuresOf(await usageOf(cpu), 'lab', 'c');
    // (0, 30 min] from the pod series, (30 min, 60 min] from the container: disjoint, so the coverage adds up.
    expect(f.coveredMs).toBe(60 * MIN);
    expect(f.integral).toBeCloseTo(100 * 3600, 9);
    expect(f.samples).toBe(30 + 29);
  });

  it('should keep pods of the same name in two namespaces apart, in name order', async () => {
    const cpu = new InMemorySamples('cpu/usage_rate', [
      pod(
        'team',
        'web',
        minutes(1, 60, () => 300),
      ),
      pod(
        'lab',
        'web',
        minutes(1, 60, () => 100),
      ),
    ]);
    const usage = await usageOf(cpu);
    expect(usage.pods.map((p) => [p.namespace, p.pod, p.figures.integral])).toEqual([
      ['lab', 'web', 100 * 3600],
      ['team', 'web', 300 * 3600],
    ]);
  });

  it('should take a rate’s integral from its counter twin where the store holds it', async () => {
    const rate = new InMemorySamples('cpu/usage_rate', [
      pod(
        'lab',
        'a',
        minutes(1, 60, () => 500),
      ),
      pod(
        'lab',
        'b',
        minutes(1, 60, () => 500),
      ),
    ]);
    // The counter of pod a gains 36e9 ns a minute (600 mcores); pod b has no counter.
    const counter = new InMemorySamples('cpu/usage', [
      pod(
        'lab',
        'a',
        minutes(0, 60, (m) => 1e15 + 36e9 * m),
      ),
    ]);
    const usage = await usageOf(rate, {}, { 'cpu/usage': counter });
    expect(figuresOf(usage, 'lab', 'a').integral).toBeCloseTo(600 * 3600, 6);
    expect(figuresOf(usage, 'lab', 'a').max).toBe(500);
    expect(figuresOf(usage, 'lab', 'b').integral).toBeCloseTo(500 * 3600, 6);
  });

  it('should give each namespace the coverage and peak of its total per step, summed from its pods', async () => {
    const cpu = new InMemorySamples('cpu/usage_rate', [
      pod(
        'lab',
        'a',
        minutes(1, 60, () => 1000),
      ),
      pod(
        'lab',
        'b',
        minutes(1, 30, () => 500),
      ),
      pod(
        'team',
        'c',
        minutes(31, 60, () => 200),
      ),
    ]);
    const usage = await usageOf(cpu, { namespaces: true, total: true });
    expect(usage.namespaces.get('lab')).toMatchObject({ coveredMs: 60 * MIN, max: 1500 });
    expect(usage.namespaces.get('team')).toMatchObject({ coveredMs: 30 * MIN, max: 200 });
    expect(usage.total).toMatchObject({ coveredMs: 60 * MIN, max: 1500 });
    const [lab, team] = rollupNamespaces(usage.pods, usage.namespaces);
    expect(lab).toMatchObject({ namespace: 'lab', pods: 2, figures: { integral: (1000 * 60 + 500 * 30) * 60, coveredMs: 60 * MIN, max: 1500 } });
    expect(team).toMatchObject({ namespace: 'team', pods: 1, figures: { integral: 200 * 30 * 60, coveredMs: 30 * MIN, max: 200 } });
  });

  it('should read the collector’s own namespace totals where it writes them, and sum the pods of the other namespaces', async () => {
    const cpu = new InMemorySamples('cpu/usage_rate', [
      pod(
        'lab',
        'a',
        minutes(1, 60, () => 1000),
      ),
      // The collector saw 1200 in lab (a pod whose own series was lost): its total is the truth.
      { level: 'namespace', namespace: 'lab', samples: minutes(1, 60, () => 1200) },
      pod(
        'team',
        'c',
        minutes(1, 60, () => 200),
      ),
    ]);
    const usage = await usageOf(cpu, { namespaces: true, total: true });
    expect(usage.namespaces.get('lab')).toMatchObject({ max: 1200 });
    expect(usage.namespaces.get('team')).toMatchObject({ max: 200 });
    // Team has no collector total: the overall total is summed from the pods.
    expect(usage.total).toMatchObject({ max: 1200 });
  });

  it('should read the containers only, summed per scrape, when the store has no pod-level series', async () => {
    const mem = new InMemorySamples(
      'memory/usage',
      [
        container(
          'lab',
          'a',
          'app',
          minutes(1, 60, () => 300),
        ),
        container(
          'lab',
          'a',
          'db',
          minutes(1, 60, () => 700),
        ),
      ],
      {
        hasPodSeries: false,
      },
    );
    const usage = await usageOf(mem, { namespaces: true });
    expect(figuresOf(usage, 'lab', 'a')).toMatchObject({ integral: 1000 * 3600, coveredMs: 60 * MIN, max: 1000 });
    expect(usage.namespaces.get('lab')).toMatchObject({ max: 1000 });
  });

  it('should use the configured resolution, and detect it from the data otherwise', async () => {
    const cpu = new InMemorySamples('cpu/usage_rate', [
      pod(
        'lab',
        'a',
        minutes(1, 60, () => 1),
      ),
    ]);
    expect(await new UsageEngine(new InMemoryStore(), { fixedStepMs: 30_000 }).stepMs(cpu, period)).toBe(30_000);
    expect(await new UsageEngine(new InMemoryStore()).stepMs(cpu, period)).toBe(MIN);
  });

  it("should await the caller's admission before reading, but not for an answer the cache holds", async () => {
    const cpu = new InMemorySamples('cpu/usage_rate', [
      pod(
        'lab',
        'a',
        minutes(1, 60, () => 1),
      ),
    ]);
    let admissions = 0;
    const admit = async () => void admissions++;
    let held = false;
    const cache: UsageCache = { holds: () => held, get: (_key, _until, compute) => compute() };
    const engine = new UsageEngine(new InMemoryStore(), { cache });
    await engine.usage(cpu, period, {}, MIN, { admit });
    expect(admissions).toBe(1);
    held = true;
    await engine.usage(cpu, period, {}, MIN, { admit });
    expect(admissions).toBe(1);
    await expect(new UsageEngine(new InMemoryStore()).usage(cpu, period, {}, MIN, { admit: () => Promise.reject(new Error('refused')) })).rejects.toThrow('refused');
  });

  it('should keep the computation behind the cache it is given', async () => {
    const cpu = new InMemorySamples('cpu/usage_rate', [
      pod(
        'lab',
        'a',
        minutes(1, 60, () => 1),
      ),
    ]);
    const keys: string[] = [];
    const cache: UsageCache = { holds: () => false, get: (key, _until, compute) => (keys.push(key), compute()) };
    await new UsageEngine(new InMemoryStore(), { cache }).usage(cpu, period, { exclude: ['kube-system'] }, MIN);
    expect(keys).toHaveLength(1);
    expect(JSON.parse(keys[0] as string)).toEqual([cpu.cacheKey, period.from.getTime(), period.to.getTime(), null, ['kube-system'], MIN, false, false]);
  });

  it('should choose the pods read from their containers from the index: the shorter list', async () => {
    const cpu = new InMemorySamples('cpu/usage_rate', [
      pod(
        'lab',
        'a',
        minutes(1, 60, () => 1),
      ),
      container(
        'lab',
        'a',
        'app',
        minutes(1, 60, () => 1),
      ),
      container(
        'lab',
        'b',
        'app',
        minutes(1, 60, () => 1),
      ),
    ]);
    const engine = new UsageEngine(new InMemoryStore());
    expect(await engine.containerSelectionFromIndex(cpu, {}, period.from, period.to)).toEqual({ mode: 'include', pods: [{ namespace: 'lab', pod: 'b' }] });
    const containersOnly = new InMemorySamples('cpu/usage_rate', [], { hasPodSeries: false });
    expect(await engine.containerSelectionFromIndex(containersOnly, {}, period.from, period.to)).toEqual({ mode: 'exclude', pods: [] });
  });

  describe('when a read fails', () => {
    let unhandled: unknown[];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    beforeEach(() => {
      unhandled = [];
      process.on('unhandledRejection', onUnhandled);
    });
    afterEach(() => {
      process.off('unhandledRejection', onUnhandled);
    });

    it('should fail with the first error and leave no rejection of the other reads unhandled', async () => {
      // The pod stream fails first; the counter twin and the containers' counts, started beside it, fail after.
      const failingStream = (): AsyncIterable<SamplePiece<PodKey>> => ({
        [Symbol.asyncIterator]: () => ({ next: () => delay(5).then(() => Promise.reject(new Error('pod stream failed'))) }),
      });
      const cpu = new InMemorySamples('cpu/usage_rate', [], {
        podSamples: failingStream,
        containerSampleCounts: () => delay(20).then(() => Promise.reject(new Error('counts failed'))),
      });
      const store = { samplesOf: () => delay(20).then(() => Promise.reject(new Error('twin failed'))) };
      await expect(new UsageEngine(store).usage(cpu, period, {}, MIN)).rejects.toThrow('pod stream failed');
      await delay(50);
      expect(unhandled).toEqual([]);
    });
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
