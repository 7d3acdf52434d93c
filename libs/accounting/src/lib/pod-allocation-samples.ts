import { comparePods, podId, PodKey } from './pod-key';
import { ContainerPodSelection, ContainerRowsPiece, MetricSamples, NamespaceFilter, SampleStream, SeriesLevel } from './sample-reader';
import { detectStepMs } from './step-detection';

/** The billing basis `max` of a resource: what a pod is billed per sample, max(request, usage). */
export const PER_SAMPLE_MAX_METRICS = { cpu: 'cpu/billed_max', memory: 'memory/billed_max' } as const;

/** One pod's rows of one metric: time-ordered, each naming its container, in the catalog unit. */
interface PodRows {
  key: PodKey;
  times: number[];
  containers: string[];
  values: number[];
}

/** A container's samples of one metric, in time order. */
interface ContainerSeries {
  times: number[];
  values: number[];
}

/**
 * A pod's allocation per sample, from its containers' request rows joined per pod and sample time
 * with their uptime (where the schema stores one): a request counts for the part of the sample's
 * window the container ran — Δuptime ÷ Δt, the first sample of a life uptime ÷ step — as a usage
 * gauge is the mean over its window. A collector writes a request as the spec gives it at every
 * scrape, so without this a life's first and last samples speak for whole steps: up to 40 % of a
 * job of a few minutes. Containers restarting on their own, pods read only from their containers and
 * requests that change are all counted sample by sample.
 *
 * - `held`: what the pod held, Σ request × share (requests, GPU devices).
 * - `max`: what the basis `max` bills (OpenCost's rule): at each usage sample the larger of the
 *   pod's usage and what it held, its containers summed first — max(Σ usage, Σ held), never per period.
 *
 * It reads like a metric with one series per pod, so the one usage computation integrates it and the
 * ledger rolls it. Pods come in the store's order (series key order: the pod order), one held at a time.
 */
export class PodAllocationSamples implements MetricSamples {
  readonly cacheKey: string;
  readonly resolutionKey: string;
  readonly scale = 1;
  readonly hasPodSeries = true;
  readonly hasContainerSeries = false;
  readonly hasNamespaceSeries = false;
  private readonly paced: MetricSamples;

  constructor(
    readonly metric: string,
    private readonly mode: 'held' | 'max',
    private readonly request: MetricSamples,
    private readonly uptime?: MetricSamples,
    private readonly usage?: MetricSamples,
  ) {
    if (mode === 'max' && !usage) throw new Error(`${metric}: the basis max needs the usage`);
    this.paced = mode === 'max' ? (usage as MetricSamples) : request;
    this.cacheKey = `${metric}:${mode}:${request.cacheKey}|${uptime?.cacheKey ?? ''}|${usage?.cacheKey ?? ''}`;
    this.resolutionKey = this.paced.resolutionKey;
  }

  sampleIntervals(from: Date, to: Date): Promise<number[]> {
    return this.paced.sampleIntervals(from, to);
  }

  async *podSamples(ns: NamespaceFilter, from: Date, to: Date, stepMs?: number): SampleStream<PodKey> {
    const every: ContainerPodSelection = { mode: 'exclude', pods: [] };
    const streams = [this.request, this.uptime, this.usage].map((s) => (s ? podRowsOf(s.containerRowsByPod(ns, from, to, every), s.scale) : undefined));
    for await (const [request, uptime, usage] of joinByPod(streams)) {
      const paced = this.mode === 'max' ? usage : request;
      if (!paced) continue;
      const out = perSample(paced, request, uptime, this.mode === 'max', stepMs);
      if (out.times.length > 0) yield { series: paced.key, times: out.times, values: out.values };
    }
  }

  containerSamples(): SampleStream<never> {
    return refused('container samples');
  }

  containerRowsByPod(): AsyncIterable<ContainerRowsPiece> {
    return refused('container rows');
  }

  async containerSampleCounts(): Promise<never> {
    throw new Error(`${this.metric} is read per pod: it has no container samples to count`);
  }

  /** Group totals are not asked of it: reports sum it over pods. */
  countedTotalsPerStep(): SampleStream<string> {
    return refused('totals per step');
  }

  namespaceTotalsPerStep(): SampleStream<string> {
    return refused('namespace totals');
  }

  async seriesPods(level: SeriesLevel, ns: NamespaceFilter, from: Date, to: Date): Promise<PodKey[]> {
    if (level === 'container') return [];
    const seen = new Map<string, PodKey>();
    for (const p of await this.paced.seriesPods('container', ns, from, to)) seen.set(podId(p), { namespace: p.namespace, pod: p.pod });
    return [...seen.values()].sort(comparePods);
  }

  async namespaceTotalSeries(): Promise<string[]> {
    return [];
  }
}

/** A read this metric cannot answer: it fails when iterated, as a store's failed read does. */
function refused(what: string): AsyncIterable<never> {
  return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error(`per-sample max has no ${what}: it is read per pod`)) }) };
}

/** A store's container rows gathered per pod (its pieces arrive one after the other), in the catalog unit. */
async function* podRowsOf(pieces: AsyncIterable<ContainerRowsPiece>, scale: number): AsyncGenerator<PodRows> {
  let current: PodRows | undefined;
  for await (const piece of pieces) {
    if (!current || podId(current.key) !== podId(piece.series)) {
      if (current) yield current;
      current = { key: { namespace: piece.series.namespace, pod: piece.series.pod }, times: [], containers: [], values: [] };
    }
    for (let i = 0; i < piece.times.length; i++) {
      current.times.push(piece.times[i] as number);
      current.containers.push(piece.containers[i] as string);
      current.values.push((piece.values[i] as number) * scale);
    }
  }
  if (current) yield current;
}

/**
 * The pods of several streams side by side, each in pod order (a store answers series in key order:
 * namespace, then pod): each tuple holds one pod's rows of each stream, undefined where a stream has
 * none. One pod of each stream is held at a time. A stream out of order would pair the wrong rows:
 * it is refused.
 */
async function* joinByPod(streams: readonly (AsyncGenerator<PodRows> | undefined)[]): AsyncGenerator<(PodRows | undefined)[]> {
  const heads: (PodRows | undefined)[] = streams.map(() => undefined);
  const advance = async (i: number) => {
    const previous = heads[i];
    const next = await streams[i]?.next();
    heads[i] = next && !next.done ? next.value : undefined;
    const head = heads[i];
    if (previous && head && comparePods(head.key, previous.key) <= 0) {
      throw new Error(`per-sample max: pods out of order (${head.key.namespace}/${head.key.pod} after ${previous.key.namespace}/${previous.key.pod})`);
    }
  };
  try {
    for (let i = 0; i < streams.length; i++) await advance(i);
    for (;;) {
      let first: PodKey | undefined;
      for (const h of heads) if (h && (!first || comparePods(h.key, first) < 0)) first = h.key;
      if (!first) return;
      const id = podId(first);
      const tuple: (PodRows | undefined)[] = [];
      for (let i = 0; i < streams.length; i++) {
        const head = heads[i];
        if (head && podId(head.key) === id) {
          tuple.push(head);
          await advance(i);
        } else tuple.push(undefined);
      }
      yield tuple;
    }
  } finally {
    // One read failed or the reader stopped: the other reads are closed, not left open.
    await Promise.allSettled(streams.map((s) => s?.return(undefined)));
  }
}

/** Each container's samples of a pod's rows. */
function byContainer(rows: PodRows | undefined): Map<string, ContainerSeries> {
  const out = new Map<string, ContainerSeries>();
  if (!rows) return out;
  for (let i = 0; i < rows.times.length; i++) {
    const c = rows.containers[i] as string;
    const s = out.get(c) ?? { times: [], values: [] };
    s.times.push(rows.times[i] as number);
    s.values.push(rows.values[i] as number);
    out.set(c, s);
  }
  return out;
}

/** Index of the last sample at or before `t` (the first when all are after), -1 for an empty series. */
function at(series: ContainerSeries, t: number, from: number): number {
  let i = Math.max(0, from);
  while (i + 1 < series.times.length && (series.times[i + 1] as number) <= t) i++;
  return series.times.length === 0 ? -1 : i;
}

/**
 * A pod's sample step when the reader gives none (the most common gap, on a 5 s grid). The usage
 * computation gives its own: a pod's gaps differ between an hour's read and a month's under jitter.
 */
function stepOf(times: readonly number[]): number | undefined {
  if (times.length < 2) return undefined;
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push((times[i] as number) - (times[i - 1] as number));
  return detectStepMs(gaps);
}

/**
 * Per sample time of `paced` (the usage under `max`, the requests otherwise): Σ request × the share
 * of the window each container ran, and under `max` the larger of that and Σ usage.
 */
function perSample(
  paced: PodRows,
  request: PodRows | undefined,
  uptime: PodRows | undefined,
  withUsage: boolean,
  stepMs: number | undefined,
): { times: number[]; values: number[] } {
  const requests = byContainer(request);
  const uptimes = byContainer(uptime);
  const times = [...new Set(paced.times)].sort((a, b) => a - b);
  const step = stepMs ?? stepOf(times);
  const used = new Map<number, number>();
  const running = new Map<number, Set<string>>();
  for (let i = 0; i < paced.times.length; i++) {
    const t = paced.times[i] as number;
    if (withUsage) used.set(t, (used.get(t) ?? 0) + (paced.values[i] as number));
    const set = running.get(t) ?? new Set<string>();
    set.add(paced.containers[i] as string);
    running.set(t, set);
  }
  const cursor = new Map<string, { request: number; uptime: number }>();
  const values = times.map((t) => {
    let held = 0;
    for (const c of running.get(t) ?? []) {
      const r = requests.get(c);
      if (!r) continue;
      const pos = cursor.get(c) ?? { request: 0, uptime: 0 };
      pos.request = at(r, t, pos.request);
      const up = uptimes.get(c);
      let share = 1;
      if (up) {
        pos.uptime = at(up, t, pos.uptime);
        const k = pos.uptime;
        if (k >= 0 && up.times[k] === t) {
          const now = up.values[k] as number;
          const prev = k > 0 ? (up.values[k - 1] as number) : undefined;
          const dt = k > 0 ? t - (up.times[k - 1] as number) : 0;
          // After a reset or at a series' first sample the window is the one step a first sample covers.
          if (prev !== undefined && now >= prev && dt > 0) share = Math.min(1, (now - prev) / dt);
          else if (step !== undefined) share = Math.min(1, now / step);
        }
      }
      cursor.set(c, pos);
      held += (r.values[pos.request] as number) * share;
    }
    return withUsage ? Math.max(used.get(t) ?? 0, held) : held;
  });
  return { times, values };
}
