import { InMemorySamples, InMemoryStore, StoredSeries } from './in-memory-samples';

const MIN = 60_000;

/** A small deterministic generator, so a failing seed reproduces. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

export interface TestClusterOptions {
  /** Where minute 0 is, epoch ms (default 2024-03-20T00:00Z). */
  startMs?: number;
  /** Hours with pods running (lives start up to 10 minutes before and end up to 10 after). */
  hours?: number;
  /** Some pods' own series also stop half-way while their containers go on. */
  mixed?: boolean;
}

export interface TestCluster {
  /** `memory/usage`: pod, container and (for alpha and kube-system) collector namespace series. */
  gauge: InMemorySamples;
  /** `cpu/usage_rate`, the same samples, with the `cpu/usage` counter twin in `store`. */
  rate: InMemorySamples;
  /** `gpu/usage`: the same pod and container samples × 1e-3, without any collector total. */
  gpu: InMemorySamples;
  store: InMemoryStore;
}

/**
 * A cluster that throws everything at the accounting: pods starting and stopping inside hours, lost
 * scrapes, scrape jitter, pods with container series only, pods with both, a collector total for
 * some namespaces only, counters with restarts, and a pod name shared by two namespaces.
 */
export function testCluster(seed: number, options: TestClusterOptions = {}): TestCluster {
  const t0 = options.startMs ?? Date.UTC(2024, 2, 20);
  const hours = options.hours ?? 6;
  const mixed = options.mixed ?? false;
  const rnd = seededRandom(seed);
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
      const podStopsAt = mixed && kind > 0.8 ? int(30, hours * 60) : Infinity;
      const jitter = rnd() < 0.3 ? 5000 : 0;
      const lives: [number, number][] = [];
      let m = int(-10, 90);
      while (m < hours * 60 + 10) {
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
          const at = t0 + t * MIN + (jitter ? int(-jitter, jitter) : 0);
          const app = int(100, 900);
          const side = int(0, 100);
          cpuNs += (app + side) * 60 * 1e6;
          if (!containerOnly && t < podStopsAt) podSamples.push([at, app + side]);
          if (containerOnly || kind > 0.6) {
            containers['app']?.push([t0 + t * MIN, app]);
            containers['side']?.push([t0 + t * MIN, side]);
          }
          counterSamples.push([at, cpuNs]);
          if (withCollector) {
            const totals = nsTotals.get(namespace) ?? new Map<number, number>();
            totals.set(t0 + t * MIN, (totals.get(t0 + t * MIN) ?? 0) + app + side);
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
  const gpu = gauge.map((s) => ({ ...s }));
  for (const [namespace, totals] of nsTotals) {
    const samples = [...totals.entries()].sort((a, b) => a[0] - b[0]);
    gauge.push({ level: 'namespace', namespace, samples });
    rate.push({ level: 'namespace', namespace, samples });
  }
  const counterSamples = new InMemorySamples('cpu/usage', counter, { hasContainerSeries: false });
  return {
    gauge: new InMemorySamples('memory/usage', gauge),
    rate: new InMemorySamples('cpu/usage_rate', rate),
    gpu: new InMemorySamples('gpu/usage', gpu, { scale: 1e-3 }),
    store: new InMemoryStore({ 'cpu/usage': counterSamples }),
  };
}
