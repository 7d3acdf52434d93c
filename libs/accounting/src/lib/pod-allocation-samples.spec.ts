import { PodAllocationSamples } from './pod-allocation-samples';
import { InMemorySamples, StoredSeries } from './testing/in-memory-samples';
import { UsageEngine } from './usage-engine';

const MIN = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2);

/** A container's samples every minute over [first, last] (ms after T0), the value given per sample time. */
function series(pod: string, container: string, first: number, last: number, value: (t: number) => number): StoredSeries {
  const samples: [number, number][] = [];
  for (let t = T0 + first; t <= T0 + last; t += MIN) samples.push([t, value(t - T0)]);
  return { level: 'container', namespace: 'lab', pod, container, samples };
}

const store = (metric: string, s: StoredSeries[]) => new InMemorySamples(metric, s, { hasPodSeries: false });

/** Billed millicore-hours per pod over [T0, T0 + 1 h). */
async function billed(samples: PodAllocationSamples): Promise<Record<string, number>> {
  const engine = new UsageEngine({ samplesOf: async () => samples });
  const usage = await engine.usage(samples, { from: new Date(T0), to: new Date(T0 + HOUR) }, {}, MIN);
  return Object.fromEntries(usage.pods.map((p) => [p.pod, p.figures.integral / 3600]));
}

describe('PodAllocationSamples', () => {
  it('should bill the larger of request and usage at each sample, never of the period', async () => {
    // 500 mcores for the first half hour, 1500 for the second; 1000 requested throughout.
    const usage = store('cpu/usage_rate', [series('web', 'main', MIN, 2 * HOUR, (t) => (t <= 30 * MIN ? 500 : 1500))]);
    const request = store('cpu/request', [series('web', 'main', MIN, 2 * HOUR, () => 1000)]);
    const hours = await billed(new PodAllocationSamples('cpu/billed_max', 'max', request, undefined, usage));
    // Per period, max(1000, 1000) would bill 1000 mcore-hours; per sample it is 500 × 1000 + 500 × 1500 = 1250.
    expect(hours['web']).toBeCloseTo(1250, 6);
  });

  it('should sum the containers before taking the larger: max(Σ usage, Σ request)', async () => {
    const usage = store('cpu/usage_rate', [series('two', 'a', MIN, 2 * HOUR, () => 900), series('two', 'b', MIN, 2 * HOUR, () => 100)]);
    const request = store('cpu/request', [series('two', 'a', MIN, 2 * HOUR, () => 500), series('two', 'b', MIN, 2 * HOUR, () => 500)]);
    expect((await billed(new PodAllocationSamples('cpu/billed_max', 'max', request, undefined, usage)))['two']).toBeCloseTo(1000, 6);
  });

  it('should hold a request only for the part of its window the container ran, from its uptime', async () => {
    // Started 30 s before its first sample (at T0 + 10 min) and stopped 20 s after its sample at T0 + 20 min,
    // seen at T0 + 21 min; 2000 mcores requested, 100 used.
    const started = 10 * MIN - 30_000;
    const stopped = 20 * MIN + 20_000;
    const usage = store('cpu/usage_rate', [series('job', 'main', 10 * MIN, 21 * MIN, () => 100)]);
    const request = store('cpu/request', [series('job', 'main', 10 * MIN, 21 * MIN, () => 2000)]);
    const uptime = store('uptime', [series('job', 'main', 10 * MIN, 21 * MIN, (t) => Math.min(t, stopped) - started)]);
    const ran = (stopped - started) / HOUR;
    expect((await billed(new PodAllocationSamples('cpu/billed_max', 'max', request, uptime, usage)))['job']).toBeCloseTo(2000 * ran, 6);
    // Without uptime, the first and the last sample speak for their whole steps.
    expect((await billed(new PodAllocationSamples('cpu/billed_max', 'max', request, undefined, usage)))['job']).toBeCloseTo((2000 * 12) / 60, 6);
  });

  it('should bill usage where nothing is requested, and join pods across namespaces by name', async () => {
    const usage = store('memory/usage', [series('best-effort', 'main', MIN, HOUR, () => 300), series('web', 'main', MIN, HOUR, () => 100)]);
    const request = store('memory/request', [series('web', 'main', MIN, HOUR, () => 200)]);
    const hours = await billed(new PodAllocationSamples('memory/billed_max', 'max', request, undefined, usage));
    expect(hours['best-effort']).toBeCloseTo(300, 6);
    expect(hours['web']).toBeCloseTo(200, 6);
  });

  describe('held', () => {
    it('should count a request only for the part of its windows the container ran', async () => {
      const started = 10 * MIN - 30_000;
      const stopped = 20 * MIN + 20_000;
      const request = store('cpu/request', [series('job', 'main', 10 * MIN, 21 * MIN, () => 2000)]);
      const uptime = store('uptime', [series('job', 'main', 10 * MIN, 21 * MIN, (t) => Math.min(t, stopped) - started)]);
      expect((await billed(new PodAllocationSamples('cpu/request', 'held', request, uptime)))['job']).toBeCloseTo((2000 * (stopped - started)) / HOUR, 6);
    });

    it('should follow each container of a pod read from its containers on its own, one restarting', async () => {
      // Two containers up the whole hour, 500 mcores each; b restarts at 30 min and is down 30 s before.
      const request = store('cpu/request', [series('two', 'a', MIN, HOUR, () => 500), series('two', 'b', MIN, HOUR, () => 500)]);
      const uptime = store('uptime', [
        series('two', 'a', MIN, HOUR, (t) => t + 3_600_000),
        series('two', 'b', MIN, HOUR, (t) => (t <= 30 * MIN ? t + 3_600_000 : t - 30 * MIN - 30_000)),
      ]);
      const heldMs = 3_600_000 + 3_600_000 - 30_000;
      expect((await billed(new PodAllocationSamples('cpu/request', 'held', request, uptime)))['two']).toBeCloseTo((500 * heldMs) / HOUR, 6);
    });

    it('should count whole windows where the schema stores no uptime', async () => {
      const request = store('memory/request', [series('web', 'main', MIN, HOUR, () => 100)]);
      expect((await billed(new PodAllocationSamples('memory/request', 'held', request)))['web']).toBeCloseTo(100, 6);
    });
  });
});
