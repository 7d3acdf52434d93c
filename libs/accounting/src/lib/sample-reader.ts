import { ContainerKey, PodKey } from './pod-key';

/**
 * Samples of one series, a piece at a time, as parallel arrays: a stream of millions of samples
 * costs no object per sample. A series' pieces arrive one after the other, times ascending.
 */
export interface SamplePiece<S> {
  /** The series the samples belong to: consecutive pieces of one series name it alike. */
  readonly series: S;
  /** Sample times, epoch ms. */
  readonly times: ArrayLike<number>;
  /** Sample values in the stored unit (× the reader's `scale` gives the catalog unit). */
  readonly values: ArrayLike<number>;
}

/** The container samples of one pod in one time-ordered series, each sample naming its container. */
export interface ContainerRowsPiece extends SamplePiece<PodKey> {
  readonly containers: ArrayLike<string>;
}

export type SampleStream<S> = AsyncIterable<SamplePiece<S>>;

/** Namespace selection of a read: a list, or all but some. */
export interface NamespaceFilter {
  only?: readonly string[];
  exclude?: readonly string[];
}

/**
 * Which pods are counted from their containers: the listed ones, or every pod but the listed ones
 * (whichever list is shorter).
 */
export interface ContainerPodSelection {
  mode: 'include' | 'exclude';
  pods: readonly PodKey[];
}

/** How per-step totals are grouped: one series per namespace, or one for everything selected. */
export type TotalsGrouping = 'namespace' | 'none';

/** The series levels a store may hold for a metric. */
export type SeriesLevel = 'pod' | 'container';

/**
 * One metric's stored samples, as the usage computation reads them. Each operation names what it
 * returns; a store may compute sums and counts itself (InfluxDB does, per time bucket) as long as
 * the answer is the one described. Times are epoch ms, `from` inclusive and `to` exclusive.
 */
export interface MetricSamples {
  /** Catalog name of the metric (`cpu/usage_rate`). */
  readonly metric: string;
  /** Identity of what is read: two readers with the same key read the same samples. */
  readonly cacheKey: string;
  /** Samples stored together share one resolution, detected once for all of them. */
  readonly resolutionKey: string;
  /** Stored value × scale = value in the catalog unit (bytes → MB is 1e-6). */
  readonly scale: number;
  /** The store holds one series per pod (besides, or instead of, per container). */
  readonly hasPodSeries: boolean;
  readonly hasContainerSeries: boolean;
  /** The collector writes its own per-namespace totals (Heapster's `type=ns` series). */
  readonly hasNamespaceSeries: boolean;

  /** Intervals between consecutive samples of a few series (ms), to detect the resolution. */
  sampleIntervals(from: Date, to: Date): Promise<number[]>;
  /**
   * Every pod-level sample, one series per pod. `stepMs` is the step the usage computation counts
   * with: samples derived per window (a request's share of one) use it, so every read agrees.
   */
  podSamples(ns: NamespaceFilter, from: Date, to: Date, stepMs?: number): SampleStream<PodKey>;
  /** Container-level samples of the selected pods, one series per container. */
  containerSamples(ns: NamespaceFilter, from: Date, to: Date, pods: ContainerPodSelection): SampleStream<ContainerKey>;
  /** Container-level samples of the selected pods, one time-ordered series per pod, each naming its container. */
  containerRowsByPod(ns: NamespaceFilter, from: Date, to: Date, pods: ContainerPodSelection): AsyncIterable<ContainerRowsPiece>;
  /**
   * Container-level samples counted per time bucket of `bucketMs` (aligned on the epoch), one piece
   * per container: `times` are bucket starts, `values` the counts.
   */
  containerSampleCounts(ns: NamespaceFilter, from: Date, to: Date, bucketMs: number): Promise<readonly SamplePiece<PodKey>[]>;
  /**
   * The sum per sample step of the series that count each pod once — pod-level series, plus the
   * containers of `containerPods` — per namespace (series named by it) or overall (named `''`),
   * stamped at the grid time of the samples summed.
   */
  countedTotalsPerStep(ns: NamespaceFilter, from: Date, to: Date, stepMs: number, containerPods: ContainerPodSelection | undefined, grouping: TotalsGrouping): SampleStream<string>;
  /** The same sum per step of the collector's own namespace totals (see `hasNamespaceSeries`). */
  namespaceTotalsPerStep(ns: NamespaceFilter, from: Date, to: Date, stepMs: number, grouping: TotalsGrouping): SampleStream<string>;
  /** The pod of every series of a level that may have data in the period (an index lookup, no scan). */
  seriesPods(level: SeriesLevel, ns: NamespaceFilter, from: Date, to: Date): Promise<PodKey[]>;
  /** The namespace of every collector-written namespace total that may have data in the period. */
  namespaceTotalSeries(ns: NamespaceFilter, from: Date, to: Date): Promise<string[]>;
}

/** Where the usage computation finds a metric's samples by its catalog name. */
export interface UsageSampleStore {
  /** The metric's samples, or undefined when the store does not collect or hold them. */
  samplesOf(metric: string): Promise<MetricSamples | undefined>;
}
