import { PerSampleMaxSamples } from './per-sample-max';
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
async function billed(samples: PerSampleMaxSamples): Promise<Record<string, number>> {
  const engine = new UsageEngine({ samplesOf: async () => samples });
  const usage = await engine.usage(samples, { from: new Date(T0), to: new Date(T0 + HOUR) }, {}, MIN);
  return Object.fromEntries(usage.pods.map((p) => [p.pod, p.figures.integral / 3600]));
}

describe('PerSampleMaxSamples', () => {
  it('should bill the larger of request and usage at each sample, never of the period', async () => {
    // 500 mcores for the first half hour, 1500 for the second; 1000 requested throughout.
    const usage = store('cpu/usage_rate', [series('web', 'main', MIN, 2 * HOUR, (t) => (t <= 30 * MIN ? 500 : 1500))]);
    const request = store('cpu/request', [series('web', 'main', MIN, 2 * HOUR, () => 1000)]);
    const hours = await billed(new PerSampleMaxSamples('cpu/billed_max', usage, request));
    // Per period, max(1000, 1000) would bill 1000 mcore-hours; per sample it is 500 × 1000 + 500 × 1500 = 1250.
    expect(hours['web']).toBeCloseTo(1250, 6);
  });

  it('should sum the containers before taking the larger: max(Σ usage, Σ request)', async () => {
    const usage = store('cpu/usage_rate', [series('two', 'a', MIN, 2 * HOUR, () => 900), series('two', 'b', MIN, 2 * HOUR, () => 100)]);
    const request = store('cpu/request', [series('two', 'a', MIN, 2 * HOUR, () => 500), series('two', 'b', MIN, 2 * HOUR, () => 500)]);
    expect((await billed(new PerSampleMaxSamples('cpu/billed_max', usage, request)))['two']).toBeCloseTo(1000, 6);
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
    expect((await billed(new PerSampleMaxSamples('cpu/billed_max', usage, request, uptime)))['job']).toBeCloseTo(2000 * ran, 6);
    // Without uptime, the first and the last sample speak for their whole steps.
    expect((await billed(new PerSampleMaxSamples('cpu/billed_max', usage, request)))['job']).toBeCloseTo((2000 * 12) / 60, 6);
  });

  it('should bill usage where nothing is requested, and join pods across namespaces by name', async () => {
    const usage = store('memory/usage', [series('best-effort', 'main', MIN, HOUR, () => 300), series('web', 'main', MIN, HOUR, () => 100)]);
    const request = store('memory/request', [series('web', 'main', MIN, HOUR, () => 200)]);
    const hours = await billed(new PerSampleMaxSamples('memory/billed_max', usage, request));
    expect(hours['best-effort']).toBeCloseTo(300, 6);
    expect(hours['web']).toBeCloseTo(200, 6);
  });
});
