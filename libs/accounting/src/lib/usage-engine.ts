import { findMetric } from '@kube-monitoring/contract';

import { COUNTER_TWINS } from './counter-twins';
import { addConcurrentFigures, addDisjointFigures, emptyFigures, SeriesFigures, touchesPeriod } from './figures';
import { PodFigures, PodUsageCollector } from './group-rollup';
import { comparePods, ContainerKey, podId, PodKey } from './pod-key';
import { countBucketMs, PodLevelRuns } from './pod-level-runs';
import { ContainerPodSelection, ContainerRowsPiece, MetricSamples, NamespaceFilter, SampleStream, SeriesLevel, TotalsGrouping, UsageSampleStore } from './sample-reader';
import { ScrapeMerger } from './scrape-merger';
import { SeriesAccumulator } from './series-accumulator';
import { detectStepMs } from './step-detection';
import { readMarginMs, UsageWindow } from './usage-window';

/** Counters are read further beyond a period than gauges (see `MAX_COUNTED_GAP_STEPS`). */
function metricKind(samples: MetricSamples): 'gauge' | 'counter' {
  return findMetric(samples.metric)?.kind === 'counter' ? 'counter' : 'gauge';
}

/** A detected resolution is trusted this long. */
const STEP_CACHE_MS = 10 * 60_000;

/** `from` inclusive, `to` exclusive. */
export interface UsagePeriod {
  from: Date;
  to: Date;
}

/** What else to compute beside the pods. */
export interface UsageOptions {
  /** Figures of each namespace's total series: its coverage and the peak of the sum of its pods. */
  namespaces?: boolean;
  /** The same for the sum over every selected namespace. */
  total?: boolean;
  /**
   * Awaited before the store is read, never for an answer the cache holds: the caller's admission
   * (a per-caller limit on heavy reads) may refuse by rejecting.
   */
  admit?: () => Promise<void>;
  /**
   * Also answer the per-step series behind each namespace's figures (`namespaceSteps`), as the
   * ledger stores them so that a total over any set of namespaces can be computed later. Only with
   * `namespaces`; never cached.
   */
  stepSeries?: boolean;
}

/** Per-step sums of one group in the stored unit, ascending times (epoch ms, grid-stamped). */
export interface StepSeries {
  times: number[];
  values: number[];
}

/** The per-step series of a namespace, as read for its coverage and peak (see `UsageOptions.stepSeries`). */
export interface NamespaceSteps {
  /** Where its total per step comes from: the collector's own namespace series, or its counted pods summed. */
  source: 'collector' | 'pods';
  steps: StepSeries;
  /**
   * Its counted pods summed per step, when its total comes from the collector and another namespace
   * of the same read has pods but no collector total: a total over both is then the pods' sum.
   */
  podSteps?: StepSeries;
}

/** One metric's usage over a period. */
export interface MetricUsage {
  stepMs: number;
  /** Each pod once: from its pod-level series, or from its containers summed per step. In pod order. */
  pods: PodFigures[];
  /** Per namespace (when asked for): figures of the namespace's total per step. */
  namespaces: Map<string, SeriesFigures>;
  /** Figures of the total over every selected namespace (when asked for). */
  total: SeriesFigures | undefined;
  /** With `stepSeries`: per namespace, the per-step series its figures were computed from, read with margins. */
  namespaceSteps?: Map<string, NamespaceSteps>;
}

/**
 * Keeps the answers of periods whose samples are settled: `readUntilMs` is the end of the samples
 * read; `weigh` the size of an answer.
 */
export interface UsageCache {
  /** Whether an answer for `key` is kept (or being computed), so `get` would not read the store. */
  holds(key: string, readUntilMs: number): boolean;
  get(key: string, readUntilMs: number, compute: () => Promise<MetricUsage>, weigh: (usage: MetricUsage) => number): Promise<MetricUsage>;
}

export interface UsageEngineOptions {
  /** The sample resolution when configured, ms; 0 or none: detected from the data. */
  fixedStepMs?: number;
  /** Where answers of settled periods are kept; none: every call computes. */
  cache?: UsageCache;
  now?: () => number;
}

/** Where a streamed series' samples go. */
interface SampleSink {
  acc: SeriesAccumulator;
  /** Keeps a sample (default: all). */
  accept?: (timeMs: number) => boolean;
  /** Sees every kept sample's time. */
  onSample?: (timeMs: number) => void;
}

interface GroupContext {
  samples: MetricSamples;
  window: UsageWindow;
  ns: NamespaceFilter;
  selection: ContainerPodSelection | undefined;
  /** Namespaces with at least one counted pod: the total sums the pods when one of them has no collector total. */
  podNamespaces: ReadonlySet<string>;
  /**
   * Namespaces with a pod read, inside the period or in the margins around it, each given its total:
   * a step total stamped on the period's edge can hold samples of pods counted only in the
   * neighbouring period, and a namespace's figures must be the sum of its parts' wherever cut.
   */
  namespacesRead: ReadonlySet<string>;
  /** The metric has container series only. */
  allFromContainers: boolean;
}

/**
 * Per-pod usage of one metric over a period: the time integral of a gauge, the increase of a
 * counter, coverage, samples and peaks, computed by streaming the samples through one accumulator
 * per series: memory follows the number of series, never the number of samples. Each pod is counted
 * once: from its pod-level series where it has one, else from its containers. Group totals (per
 * namespace, overall) are summed per step by the store and streamed through the same gap rule,
 * which gives their coverage and the peak of the sum. Framework-free: it reads through
 * {@link MetricSamples}, whatever the store.
 */
export class UsageEngine {
  private readonly stepCache = new Map<string, { at: number; stepMs: number }>();
  private readonly now: () => number;

  constructor(
    private readonly store: UsageSampleStore,
    private readonly options: UsageEngineOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The sample resolution: configured, or detected from the data around the period (cached). */
  async stepMs(samples: MetricSamples, period: UsagePeriod): Promise<number> {
    const fixed = this.options.fixedStepMs ?? 0;
    if (fixed > 0) return fixed;
    const cached = this.stepCache.get(samples.resolutionKey);
    if (cached && this.now() - cached.at < STEP_CACHE_MS) return cached.stepMs;
    const gaps = await samples.sampleIntervals(period.from, period.to);
    const stepMs = detectStepMs(gaps);
    if (gaps.length > 0) this.stepCache.set(samples.resolutionKey, { at: this.now(), stepMs });
    return stepMs;
  }

  /**
   * Pods first: their pod-level series streamed, noting where each has data. Then the containers,
   * only for pods whose containers have samples where their pod series has none (counted by the
   * store per coarse bucket), merged per scrape and added for those times only. Concurrently with
   * the containers: the group totals asked for.
   */
  async usage(samples: MetricSamples, period: UsagePeriod, ns: NamespaceFilter, stepMs: number, options: UsageOptions = {}): Promise<MetricUsage> {
    const compute = () => this.computeUsage(samples, period, ns, stepMs, options);
    const cache = options.stepSeries ? undefined : this.options.cache;
    if (!cache) {
      await options.admit?.();
      return compute();
    }
    // A period whose last sample read is settled gives the same answer every time: kept for a while.
    const readUntil = period.to.getTime() + readMarginMs({ fromMs: period.from.getTime(), toMs: period.to.getTime(), stepMs }, metricKind(samples));
    const key = JSON.stringify([
      samples.cacheKey,
      period.from.getTime(),
      period.to.getTime(),
      ns.only ? [...ns.only].sort() : null,
      [...(ns.exclude ?? [])].sort(),
      stepMs,
      !!options.namespaces,
      !!options.total,
    ]);
    if (options.admit && !cache.holds(key, readUntil)) await options.admit();
    return cache.get(key, readUntil, compute, (u) => u.pods.length + u.namespaces.size + 1);
  }

  /**
   * Which pods to read from their containers, from the index alone (no data scan): for charts, where a
   * pod whose pod-level series exists anywhere in the period is read from it.
   */
  async containerSelectionFromIndex(samples: MetricSamples, ns: NamespaceFilter, from: Date, to: Date): Promise<ContainerPodSelection | undefined> {
    if (!samples.hasContainerSeries) return undefined;
    if (!samples.hasPodSeries) return { mode: 'exclude', pods: [] };
    const [withPodSeries, withContainers] = await Promise.all([this.podsWithSeries(samples, 'pod', ns, from, to), this.podsWithSeries(samples, 'container', ns, from, to)]);
    const ids = new Set(withPodSeries.map(podId));
    return shorterSelection(
      withContainers.filter((p) => !ids.has(podId(p))),
      withPodSeries,
    );
  }

  /**
   * A rate's integral comes from its counter twin where stored. The twin and the rate's own figures
   * are started and awaited in one `Promise.all`: whichever read fails first fails the answer at once,
   * and the other's failure is still observed (an unhandled rejection would end the process).
   */
  private async computeUsage(samples: MetricSamples, period: UsagePeriod, ns: NamespaceFilter, stepMs: number, options: UsageOptions): Promise<MetricUsage> {
    const [twins, measured] = await Promise.all([this.twinIntegrals(samples, period, ns, stepMs), this.measure(samples, period, ns, stepMs, options)]);
    const pods = measured.pods.map((p) => {
      const integral = twins?.get(podId(p));
      return integral === undefined ? p : { ...p, figures: { ...p.figures, integral } };
    });
    return { ...measured, pods };
  }

  /** The metric's own figures: pods, then containers where pods lack data, and the group totals asked for. */
  private async measure(samples: MetricSamples, period: UsagePeriod, ns: NamespaceFilter, stepMs: number, options: UsageOptions): Promise<MetricUsage> {
    const window: UsageWindow = { fromMs: period.from.getTime(), toMs: period.to.getTime(), stepMs };
    const margin = readMarginMs(window, metricKind(samples));
    const readFrom = new Date(window.fromMs - margin);
    const readTo = new Date(window.toMs + margin);
    const podPart = new PodUsageCollector(window);
    const podLevel = new PodLevelRuns(stepMs, countBucketMs(readTo.getTime() - readFrom.getTime(), stepMs));
    const streamPods = async () => {
      if (!samples.hasPodSeries) return;
      await consume(samples.podSamples(ns, readFrom, readTo, stepMs), samples.scale, (key) => {
        const id = podId(key);
        const acc = podPart.accumulatorFor(key);
        return { acc, onSample: (t) => podLevel.add(id, t) };
      });
    };
    // The containers' sample counts do not depend on the pod series: asked while it streams, in one
    // `Promise.all` with it, so the first failure of either is the answer and neither goes unobserved.
    const countContainers = async () => (samples.hasPodSeries && samples.hasContainerSeries ? samples.containerSampleCounts(ns, readFrom, readTo, podLevel.bucketMs) : undefined);
    const [, containerCounts] = await Promise.all([streamPods(), countContainers()]);
    const counted = podPart.podFigures().map(({ namespace, pod }) => ({ namespace, pod }));
    const countedIds = new Set(counted.map(podId));

    // Pods read (partly or wholly) from their containers.
    let fromContainers: ContainerPodSelection | undefined;
    let containerOnly: PodKey[] = [];
    if (samples.hasContainerSeries && !samples.hasPodSeries) {
      fromContainers = { mode: 'exclude', pods: [] };
    } else if (containerCounts) {
      const mixed = podsWithUncoveredContainers(containerCounts, podLevel);
      if (mixed.length > 0) fromContainers = { mode: 'include', pods: mixed };
      containerOnly = mixed.filter((p) => !countedIds.has(podId(p)));
    }

    const tasks: Promise<void>[] = [];
    const containerPart = new PodUsageCollector(window);
    const containerCounters = new Map<string, { key: PodKey; acc: SeriesAccumulator }>();
    if (fromContainers && metricKind(samples) === 'counter') {
      // Counters per container: one container restarting resets its own counter, not its pod's.
      tasks.push(
        consume(samples.containerSamples(ns, readFrom, readTo, fromContainers), samples.scale, (c: ContainerKey) => {
          const id = podId(c);
          const containerId = `${id}\u0000${c.container}`;
          let entry = containerCounters.get(containerId);
          if (!entry) {
            entry = { key: { namespace: c.namespace, pod: c.pod }, acc: new SeriesAccumulator(window) };
            containerCounters.set(containerId, entry);
          }
          return { acc: entry.acc, accept: (t) => !podLevel.covers(id, t) };
        }),
      );
    } else if (fromContainers) {
      // A pod's containers come as one time-ordered series; the rows of one scrape are added up at
      // their own timestamp, so scrape jitter never moves the pod's sample onto the grid.
      tasks.push(
        consumeScrapes(samples.containerRowsByPod(ns, readFrom, readTo, fromContainers), samples.scale, stepMs, (key) => {
          const id = podId(key);
          const acc = containerPart.accumulatorFor(key);
          // Times the pod's own series covers are counted from it, never twice.
          return { acc, accept: (t) => !podLevel.covers(id, t) };
        }),
      );
    }
    const groups: GroupContext = {
      samples,
      window,
      ns,
      // Group totals add the containers of pods that have no pod-level data at all.
      selection: !samples.hasPodSeries ? fromContainers : containerOnly.length > 0 ? { mode: 'include', pods: containerOnly } : undefined,
      podNamespaces: new Set([...counted, ...containerOnly].map((p) => p.namespace)),
      namespacesRead: new Set([...podPart.podsRead(), ...containerOnly].map((p) => p.namespace)),
      allFromContainers: !samples.hasPodSeries,
    };
    const namespaces = new Map<string, SeriesFigures>();
    const namespaceSteps = options.namespaces && options.stepSeries ? new Map<string, NamespaceSteps>() : undefined;
    let total: SeriesFigures | undefined;
    if (options.namespaces) {
      tasks.push(this.groupTotals(groups, 'namespace', namespaceSteps).then((m) => m.forEach((f, k) => namespaces.set(k, f))));
    }
    if (options.total) {
      tasks.push(this.groupTotals(groups, 'none').then((m) => void (total = m.get('') ?? emptyFigures())));
    }
    // Every task was started just above, with nothing awaited in between: one `Promise.all` observes them all.
    await Promise.all(tasks);
    const pods = combineParts(podPart.podFigures(), [...containerPart.podFigures(), ...sumContainers(containerCounters.values())]);
    return { stepMs, pods, namespaces, total, ...(namespaceSteps ? { namespaceSteps } : {}) };
  }

  /**
   * Per pod, the increase of the rate's counter twin in rate unit × seconds, when the metric has a
   * twin and the store holds it; undefined otherwise.
   */
  private async twinIntegrals(samples: MetricSamples, period: UsagePeriod, ns: NamespaceFilter, stepMs: number): Promise<Map<string, number> | undefined> {
    const twin = COUNTER_TWINS[samples.metric];
    if (!twin) return undefined;
    // Only where the collector writes the counter (Heapster's cpu/usage, Telegraf's
    // cpu_usage_core_nanoseconds) and the store holds it.
    const counter = await this.store.samplesOf(twin.counter);
    if (!counter) return undefined;
    const usage = await this.usage(counter, period, ns, stepMs);
    return new Map(usage.pods.filter((p) => p.figures.samples > 0 || p.figures.increase > 0).map((p) => [podId(p), p.figures.increase * twin.toRateSeconds]));
  }

  /**
   * Totals per step, through the gap rule. Where the collector writes its own namespace series
   * (Heapster's `type=ns` for CPU and memory) those are read: a few series, and the sum the collector
   * saw even when one pod's scrape was lost. Otherwise the counted pods are summed per step.
   */
  private async groupTotals(g: GroupContext, grouping: TotalsGrouping, steps?: Map<string, NamespaceSteps>): Promise<Map<string, SeriesFigures>> {
    const { samples, window, ns, selection } = g;
    const margin = readMarginMs(window, metricKind(samples));
    const readFrom = new Date(window.fromMs - margin);
    const readTo = new Date(window.toMs + margin);
    type Capture = ((key: string, series: StepSeries) => void) | undefined;
    const capture = (source: NamespaceSteps['source']): Capture => (steps ? (key, series) => void steps.set(key, { source, steps: series }) : undefined);
    const fromPods = (filter: NamespaceFilter, sink: Capture = capture('pods')) =>
      accumulateGroups(samples.countedTotalsPerStep(filter, readFrom, readTo, window.stepMs, selection, grouping), samples.scale, window, sink);

    if (g.allFromContainers || !samples.hasNamespaceSeries) return fromPods(ns);
    const withSeries = new Set(await this.namespacesWithTotals(samples, ns, readFrom, readTo));
    const countedMissing = [...g.podNamespaces].filter((n) => !withSeries.has(n));
    if (grouping === 'none' && countedMissing.length > 0) return fromPods(ns);
    const out = await accumulateGroups(samples.namespaceTotalsPerStep(ns, readFrom, readTo, window.stepMs, grouping), samples.scale, window, capture('collector'));
    const missing = grouping === 'namespace' ? [...g.namespacesRead].filter((n) => !withSeries.has(n)) : [];
    if (missing.length > 0) (await fromPods({ only: missing })).forEach((f, k) => out.set(k, f));
    const mixed = [...g.podNamespaces].filter((n) => withSeries.has(n));
    if (steps && countedMissing.length > 0 && mixed.length > 0) {
      // A later total over a collector namespace and a pods-only one needs the former's pods too.
      await fromPods({ only: mixed }, (key, series) => {
        const entry = steps.get(key);
        if (entry) entry.podSteps = series;
      });
    }
    return out;
  }

  /** Distinct pods with series of a level in or near the period. */
  private async podsWithSeries(samples: MetricSamples, level: SeriesLevel, ns: NamespaceFilter, from: Date, to: Date): Promise<PodKey[]> {
    const out = new Map<string, PodKey>();
    for (const key of await samples.seriesPods(level, ns, from, to)) {
      if (key.pod) out.set(podId(key), key);
    }
    return [...out.values()];
  }

  /** Distinct namespaces with a collector-written total in or near the period. */
  private async namespacesWithTotals(samples: MetricSamples, ns: NamespaceFilter, from: Date, to: Date): Promise<string[]> {
    const out = new Set<string>();
    for (const namespace of await samples.namespaceTotalSeries(ns, from, to)) {
      if (namespace) out.add(namespace);
    }
    return [...out];
  }
}

/**
 * Streams series pieces into accumulators (no sink: the series is skipped). Pieces of one series
 * arrive consecutively and in time order, which is all an accumulator needs; `scale` converts the
 * stored unit to the catalog's (bytes → MB).
 */
async function consume<S>(stream: SampleStream<S>, scale: number, sinkOf: (series: S) => SampleSink | undefined): Promise<void> {
  for await (const piece of stream) {
    const sink = sinkOf(piece.series);
    if (!sink) continue;
    const { acc, accept, onSample } = sink;
    const { times, values } = piece;
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      if (accept && !accept(t)) continue;
      onSample?.(t);
      acc.add(t, (values[i] as number) * scale);
    }
  }
}

/**
 * Streams per-pod container rows into accumulators, one sample per scrape: consecutive rows within
 * half a step of the scrape's first row, each container once, are summed and stamped with that
 * first row's time. Memory: one pending scrape per streamed series.
 */
async function consumeScrapes(stream: AsyncIterable<ContainerRowsPiece>, scale: number, stepMs: number, sinkOf: (pod: PodKey) => SampleSink | undefined): Promise<void> {
  const merger = new ScrapeMerger(stepMs);
  let current: { id: string; emit: (timeMs: number, value: number) => void } | undefined;
  for await (const piece of stream) {
    const id = podId(piece.series);
    // Pieces of one series arrive consecutively; a new series closes the previous one's last scrape.
    if (!current || current.id !== id) {
      if (current) merger.flush(current.emit);
      current = { id, emit: emitter(sinkOf(piece.series), scale) };
    }
    const { times, values, containers } = piece;
    for (let i = 0; i < times.length; i++) merger.add(times[i] as number, values[i] as number, containers[i] as string, current.emit);
  }
  if (current) merger.flush(current.emit);
}

function emitter(sink: SampleSink | undefined, scale: number): (timeMs: number, value: number) => void {
  return (timeMs, value) => {
    if (!sink || (sink.accept && !sink.accept(timeMs))) return;
    sink.onSample?.(timeMs);
    sink.acc.add(timeMs, value * scale);
  };
}

/**
 * Streams per-step totals into one accumulator per group; groups with nothing in the period are left
 * out. `capture` also gets each kept group's series as read (stored unit, margins included).
 */
async function accumulateGroups(
  stream: SampleStream<string>,
  scale: number,
  window: UsageWindow,
  capture?: (key: string, series: StepSeries) => void,
): Promise<Map<string, SeriesFigures>> {
  const accs = new Map<string, SeriesAccumulator>();
  const seen = new Map<string, StepSeries>();
  for await (const piece of stream) {
    const key = piece.series;
    let acc = accs.get(key);
    if (!acc) {
      acc = new SeriesAccumulator(window);
      accs.set(key, acc);
    }
    let series = seen.get(key);
    if (capture && !series) {
      series = { times: [], values: [] };
      seen.set(key, series);
    }
    const { times, values } = piece;
    for (let i = 0; i < times.length; i++) {
      const v = values[i] as number;
      acc.add(times[i] as number, v * scale);
      if (series && Number.isFinite(v)) {
        series.times.push(times[i] as number);
        series.values.push(v);
      }
    }
  }
  const out = new Map<string, SeriesFigures>();
  for (const [key, acc] of accs) {
    const f = acc.result();
    if (!touchesPeriod(f)) continue;
    out.set(key, f);
    const series = seen.get(key);
    if (capture && series) capture(key, series);
  }
  return out;
}

/**
 * Pods with container samples in a coarse bucket where their pod-level series has fewer samples
 * (or none), from the containers' sample counts per bucket.
 */
function podsWithUncoveredContainers(counts: readonly { series: PodKey; times: ArrayLike<number>; values: ArrayLike<number> }[], podLevel: PodLevelRuns): PodKey[] {
  const out = new Map<string, PodKey>();
  for (const { series: key, times, values } of counts) {
    const id = podId(key);
    if (!key.pod || out.has(id)) continue;
    for (let i = 0; i < times.length; i++) {
      if ((values[i] as number) > podLevel.samplesIn(id, times[i] as number)) {
        out.set(id, key);
        break;
      }
    }
  }
  return [...out.values()];
}

/** Per pod, the sum of its containers' figures (counters followed per container). */
function sumContainers(containers: Iterable<{ key: PodKey; acc: SeriesAccumulator }>): PodFigures[] {
  const out = new Map<string, PodFigures>();
  for (const { key, acc } of containers) {
    const c = acc.result();
    if (!touchesPeriod(c)) continue;
    const id = podId(key);
    const p = out.get(id);
    out.set(id, p ? { ...p, figures: addConcurrentFigures(p.figures, c) } : { ...key, figures: c });
  }
  return [...out.values()];
}

/** A pod's figures from its own series plus those from its containers at the other times (disjoint). */
function combineParts(podPart: readonly PodFigures[], containerPart: readonly PodFigures[]): PodFigures[] {
  const out = new Map(podPart.map((p) => [podId(p), p]));
  for (const c of containerPart) {
    const id = podId(c);
    const p = out.get(id);
    out.set(id, p ? { ...p, figures: addDisjointFigures(p.figures, c.figures) } : c);
  }
  return [...out.values()].sort(comparePods);
}

/** The pods without pod-level data, sent as the shorter list: those to include, or the others to exclude. */
function shorterSelection(containerOnly: readonly PodKey[], withPodSeries: readonly PodKey[]): ContainerPodSelection | undefined {
  if (containerOnly.length === 0) return undefined;
  return containerOnly.length <= withPodSeries.length ? { mode: 'include', pods: containerOnly } : { mode: 'exclude', pods: withPodSeries };
}
