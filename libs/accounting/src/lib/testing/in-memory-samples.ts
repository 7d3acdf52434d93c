import { SampleCounts } from '../ledger/ledger-reader';
import { compareNames, ContainerKey, podId, PodKey } from '../pod-key';
import { ContainerPodSelection, ContainerRowsPiece, MetricSamples, NamespaceFilter, SamplePiece, SeriesLevel, TotalsGrouping, UsageSampleStore } from '../sample-reader';

/** One stored series: a pod's own, one of its containers', or a namespace total written by the collector. */
export interface StoredSeries {
  level: 'pod' | 'container' | 'namespace';
  namespace: string;
  pod?: string;
  container?: string;
  samples: readonly (readonly [timeMs: number, value: number])[];
}

export interface InMemoryOptions {
  scale?: number;
  hasPodSeries?: boolean;
  hasContainerSeries?: boolean;
  /** Default: whether a namespace-level series is stored. */
  hasNamespaceSeries?: boolean;
  /** Samples per piece, so that series arrive split as a store streams them. */
  pieceSize?: number;
  /** Replaces the pod-level stream (to make it fail). */
  podSamples?: () => AsyncIterable<SamplePiece<PodKey>>;
  /** Replaces the containers' sample counts (to make them fail). */
  containerSampleCounts?: () => Promise<readonly SamplePiece<PodKey>[]>;
}

/**
 * A metric's samples held in memory, answering every read the way InfluxDB does for the Heapster
 * schema: series in tag order, per-step sums in buckets offset by half a step and stamped at the grid
 * time, counts per epoch-aligned bucket. For the usage engine's specs, where the truth is known.
 */
export class InMemorySamples implements MetricSamples, SampleCounts {
  readonly cacheKey: string;
  readonly resolutionKey: string;
  readonly scale: number;
  readonly hasPodSeries: boolean;
  readonly hasContainerSeries: boolean;
  readonly hasNamespaceSeries: boolean;
  private readonly pieceSize: number;

  constructor(
    readonly metric: string,
    private readonly series: readonly StoredSeries[],
    private readonly options: InMemoryOptions = {},
  ) {
    this.cacheKey = `memory:${metric}`;
    this.resolutionKey = metric;
    this.scale = options.scale ?? 1;
    this.hasPodSeries = options.hasPodSeries ?? true;
    this.hasContainerSeries = options.hasContainerSeries ?? true;
    this.hasNamespaceSeries = options.hasNamespaceSeries ?? series.some((s) => s.level === 'namespace');
    this.pieceSize = options.pieceSize ?? 7;
  }

  async sampleIntervals(from: Date, to: Date): Promise<number[]> {
    const level = this.hasPodSeries ? 'pod' : 'container';
    return this.select(level, {}, from, to).flatMap((s) => s.samples.slice(1).map(([t], i) => t - (s.samples[i] as readonly [number, number])[0]));
  }

  async *podSamples(ns: NamespaceFilter, from: Date, to: Date): AsyncIterable<SamplePiece<PodKey>> {
    if (this.options.podSamples) {
      yield* this.options.podSamples();
      return;
    }
    yield* this.pieces(this.select('pod', ns, from, to), (s) => ({ namespace: s.namespace, pod: s.pod ?? '' }), podId);
  }

  async *containerSamples(ns: NamespaceFilter, from: Date, to: Date, pods: ContainerPodSelection): AsyncIterable<SamplePiece<ContainerKey>> {
    const series = this.select('container', ns, from, to).filter((s) => selects(pods, s));
    yield* this.pieces(
      series,
      (s) => ({ namespace: s.namespace, pod: s.pod ?? '', container: s.container ?? '' }),
      (k) => `${podId(k)}\u0000${k.container}`,
    );
  }

  async *containerRowsByPod(ns: NamespaceFilter, from: Date, to: Date, pods: ContainerPodSelection): AsyncIterable<ContainerRowsPiece> {
    const byPod = groupBy(
      this.select('container', ns, from, to).filter((s) => selects(pods, s)),
      (s) => podId({ namespace: s.namespace, pod: s.pod ?? '' }),
    );
    for (const members of byPod.values()) {
      const rows = members.flatMap((s) => s.samples.map(([t, v]) => ({ t, v, c: s.container ?? '' }))).sort((a, b) => a.t - b.t || compareNames(a.c, b.c));
      const series = { namespace: members[0]?.namespace ?? '', pod: members[0]?.pod ?? '' };
      for (let i = 0; i < rows.length; i += this.pieceSize) {
        const part = rows.slice(i, i + this.pieceSize);
        yield { series, times: part.map((r) => r.t), values: part.map((r) => r.v), containers: part.map((r) => r.c) };
      }
    }
  }

  async containerSampleCounts(ns: NamespaceFilter, from: Date, to: Date, bucketMs: number): Promise<readonly SamplePiece<PodKey>[]> {
    if (this.options.containerSampleCounts) return this.options.containerSampleCounts();
    return this.select('container', ns, from, to).map((s) => {
      const counts = new Map<number, number>();
      for (const [t] of s.samples) counts.set(Math.floor(t / bucketMs) * bucketMs, (counts.get(Math.floor(t / bucketMs) * bucketMs) ?? 0) + 1);
      return { series: { namespace: s.namespace, pod: s.pod ?? '' }, times: [...counts.keys()], values: [...counts.values()] };
    });
  }

  async samplesPerBucket(from: Date, to: Date, bucketMs: number): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const s of this.series) {
      for (const [t] of s.samples) {
        if (t < from.getTime() || t >= to.getTime()) continue;
        const bucket = Math.floor(t / bucketMs) * bucketMs;
        out.set(bucket, (out.get(bucket) ?? 0) + 1);
      }
    }
    return out;
  }

  async firstSampleMs(): Promise<number | undefined> {
    const times = this.series.flatMap((s) => s.samples.map(([t]) => t));
    return times.length ? Math.min(...times) : undefined;
  }

  async *countedTotalsPerStep(
    ns: NamespaceFilter,
    from: Date,
    to: Date,
    stepMs: number,
    containerPods: ContainerPodSelection | undefined,
    grouping: TotalsGrouping,
  ): AsyncIterable<SamplePiece<string>> {
    // A pod counted from its containers never has its own series summed too (as the InfluxDB reader does).
    const pods = this.hasPodSeries ? this.select('pod', ns, from, to).filter((s) => !containerPods || !selects(containerPods, s)) : [];
    const containers = containerPods ? this.select('container', ns, from, to).filter((s) => selects(containerPods, s)) : [];
    yield* this.sumsPerStep([...pods, ...containers], stepMs, grouping);
  }

  async *namespaceTotalsPerStep(ns: NamespaceFilter, from: Date, to: Date, stepMs: number, grouping: TotalsGrouping): AsyncIterable<SamplePiece<string>> {
    yield* this.sumsPerStep(this.select('namespace', ns, from, to), stepMs, grouping);
  }

  async seriesPods(level: SeriesLevel, ns: NamespaceFilter, from: Date, to: Date): Promise<PodKey[]> {
    return this.select(level, ns, from, to).map((s) => ({ namespace: s.namespace, pod: s.pod ?? '' }));
  }

  async namespaceTotalSeries(ns: NamespaceFilter, from: Date, to: Date): Promise<string[]> {
    return this.select('namespace', ns, from, to).map((s) => s.namespace);
  }

  /** The series of a level in the namespaces asked for, cut to [from, to), in tag order; empty ones left out. */
  private select(level: StoredSeries['level'], ns: NamespaceFilter, from: Date, to: Date): StoredSeries[] {
    return this.series
      .filter((s) => s.level === level && inFilter(ns, s.namespace))
      .map((s) => ({ ...s, samples: s.samples.filter(([t]) => t >= from.getTime() && t < to.getTime()) }))
      .filter((s) => s.samples.length > 0)
      .sort((a, b) => compareNames(a.namespace, b.namespace) || compareNames(a.pod ?? '', b.pod ?? '') || compareNames(a.container ?? '', b.container ?? ''));
  }

  /** One time-ordered series per key (series sharing a key are merged), cut into pieces. */
  private *pieces<K>(series: readonly StoredSeries[], keyOf: (s: StoredSeries) => K, idOf: (k: K) => string): Iterable<SamplePiece<K>> {
    const groups = groupBy(series, (s) => idOf(keyOf(s)));
    for (const members of groups.values()) {
      const key = keyOf(members[0] as StoredSeries);
      const rows = members.flatMap((s) => s.samples).sort((a, b) => a[0] - b[0]);
      for (let i = 0; i < rows.length; i += this.pieceSize) {
        const part = rows.slice(i, i + this.pieceSize);
        yield { series: key, times: part.map(([t]) => t), values: part.map(([, v]) => v) };
      }
    }
  }

  /** Sums per step bucket (offset by half a step), stamped at the grid time, per namespace or overall. */
  private *sumsPerStep(series: readonly StoredSeries[], stepMs: number, grouping: TotalsGrouping): Iterable<SamplePiece<string>> {
    const stepS = Math.max(1, Math.round(stepMs / 1000));
    const offsetMs = Math.floor(stepS / 2) * 1000;
    const widthMs = stepS * 1000;
    const groups = groupBy(series, (s) => (grouping === 'namespace' ? s.namespace : ''));
    for (const [group, members] of [...groups].sort(([a], [b]) => compareNames(a, b))) {
      const sums = new Map<number, number>();
      for (const s of members) {
        for (const [t, v] of s.samples) {
          const start = Math.floor((t - offsetMs) / widthMs) * widthMs + offsetMs;
          sums.set(start, (sums.get(start) ?? 0) + v);
        }
      }
      const starts = [...sums.keys()].sort((a, b) => a - b);
      yield { series: group, times: starts.map((b) => b + widthMs - offsetMs), values: starts.map((b) => sums.get(b) as number) };
    }
  }
}

/** Several metrics' samples, looked up by name (the counter twins). */
export class InMemoryStore implements UsageSampleStore {
  constructor(private readonly metrics: Readonly<Record<string, MetricSamples>> = {}) {}

  async samplesOf(metric: string): Promise<MetricSamples | undefined> {
    return this.metrics[metric];
  }
}

function inFilter(ns: NamespaceFilter, namespace: string): boolean {
  if (ns.only && !ns.only.includes(namespace)) return false;
  return !(ns.exclude ?? []).includes(namespace);
}

function selects(selection: ContainerPodSelection, s: StoredSeries): boolean {
  const listed = selection.pods.some((p) => p.namespace === s.namespace && p.pod === s.pod);
  return selection.mode === 'include' ? listed : !listed;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    out.set(key, [...(out.get(key) ?? []), item]);
  }
  return out;
}
