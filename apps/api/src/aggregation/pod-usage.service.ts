import { Inject, Injectable } from '@nestjs/common';

import {
  detectStepMs,
  emptyFigures,
  PodFigures,
  PodKey,
  PodUsageCollector,
  readMarginMs,
  SeriesAccumulator,
  SeriesFigures,
  UsageWindow,
} from '@kube-monitoring/accounting';
import { findMetric } from '@kube-monitoring/contract';
import {
  containerCountsQuery,
  ContainerPodSelection,
  containerSamplesQuery,
  containerRowsByPodQuery,
  InfluxQuery,
  InfluxSeries,
  levelSeriesKeysQuery,
  MetricSource,
  NamespaceFilter,
  namespaceSeriesPerStepQuery,
  podSamplesQuery,
  podTotalsPerStepQuery,
  sampleGapsQuery,
  stepBuckets,
  TotalsGrouping,
} from '@kube-monitoring/influx';

import { SettledPeriodCache } from '../cache/settled-period-cache';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { InfluxConnection } from '../influx/influx-connection';
import { Admit } from '../limits/heavy-request-limiter';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { Period } from '../metrics/period';
import { COUNTER_TWINS } from './counter-twins';
import { countBucketMs, PodLevelRuns } from './pod-level-runs';
import { ScrapeMerger } from './scrape-merger';

const STEP_CACHE_MS = 10 * 60_000;
/** Cached usage answers hold at most this many pods in all (~100 MB at most), whatever their count. */
const MAX_CACHED_PODS = 200_000;

/** What else to compute beside the pods. */
export interface UsageOptions {
  /** Figures of each namespace's total series: its coverage and the peak of the sum of its pods. */
  namespaces?: boolean;
  /** The same for the sum over every selected namespace. */
  total?: boolean;
  /** The caller's heavy-request admission, awaited before InfluxDB is read (not for an answer the cache holds). */
  admit?: Admit;
}

/** One metric's usage over a period. */
export interface MetricUsage {
  stepMs: number;
  /** Each pod once: from its pod-level series, or from its containers summed per step. */
  pods: PodFigures[];
  /** Per namespace (when asked for): figures of the namespace's total per step. */
  namespaces: Map<string, SeriesFigures>;
  /** Figures of the total over every selected namespace (when asked for). */
  total: SeriesFigures | undefined;
}

/**
 * Per-pod usage of one metric over a period (SPEC §4), computed by streaming InfluxDB's chunked
 * answer through one accumulator per pod: memory follows the number of series, not of samples.
 * Each pod is counted once: its pod-level series, or else its containers summed inside InfluxDB.
 * Group totals (per namespace, overall) are summed per step inside InfluxDB and streamed through
 * the same gap rule, which gives their coverage and the peak of the sum.
 */
@Injectable()
export class PodUsageService {
  private readonly stepCache = new Map<string, { at: number; stepMs: number }>();
  private readonly settled: SettledPeriodCache<MetricUsage>;

  constructor(
    private readonly influx: InfluxConnection,
    private readonly sources: MetricSourceResolver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.settled = new SettledPeriodCache({ ...config.settledCache, maxWeight: MAX_CACHED_PODS });
  }

  /** The sample resolution: configured, or detected from the data around the period (cached). */
  async stepMs(source: MetricSource, period: Period): Promise<number> {
    if (this.config.metricsResolutionSeconds > 0) return this.config.metricsResolutionSeconds * 1000;
    const cached = this.stepCache.get(source.measurement);
    if (cached && Date.now() - cached.at < STEP_CACHE_MS) return cached.stepMs;
    const series = await this.influx.client.query(sampleGapsQuery(source, period.from, period.to));
    const gaps = series.flatMap((s) => s.values.map((row) => Number(row[1])));
    const stepMs = detectStepMs(gaps);
    if (gaps.length > 0) this.stepCache.set(source.measurement, { at: Date.now(), stepMs });
    return stepMs;
  }

  async podFigures(source: MetricSource, period: Period, ns: NamespaceFilter, stepMs: number): Promise<PodFigures[]> {
    return (await this.usage(source, period, ns, stepMs)).pods;
  }

  /**
   * Pods first: their pod-level series streamed, noting where each has data. Then the containers,
   * only for pods whose containers have samples where their pod series has none (counted inside
   * InfluxDB per coarse bucket), summed per step inside InfluxDB and added for those times only.
   * Concurrently with the containers: the group totals asked for.
   */
  async usage(source: MetricSource, period: Period, ns: NamespaceFilter, stepMs: number, options: UsageOptions = {}): Promise<MetricUsage> {
    // A period whose last sample read is settled gives the same answer every time: kept for a while.
    const readUntil = period.to.getTime() + readMarginMs({ fromMs: period.from.getTime(), toMs: period.to.getTime(), stepMs });
    const key = JSON.stringify([source, period.from.getTime(), period.to.getTime(), ns.only ? [...ns.only].sort() : null, [...(ns.exclude ?? [])].sort(), stepMs, !!options.namespaces, !!options.total]);
    if (options.admit && !this.settled.holds(key, readUntil)) await options.admit();
    return this.settled.get(key, readUntil, () => this.computeUsage(source, period, ns, stepMs, options), (u) => u.pods.length + u.namespaces.size + 1);
  }

  /**
   * A rate's integral comes from its counter twin where stored: the twin and the rate's own figures
   * are read concurrently, started and awaited in one `Promise.all`, so that when one fails the
   * other's failure is still handled (an unhandled rejection would end the process).
   */
  private async computeUsage(source: MetricSource, period: Period, ns: NamespaceFilter, stepMs: number, options: UsageOptions): Promise<MetricUsage> {
    const [twins, measured] = await Promise.all([this.twinIntegrals(source, period, ns, stepMs), this.measure(source, period, ns, stepMs, options)]);
    const pods = measured.pods.map((p) => {
      const integral = twins?.get(podId(p));
      return integral === undefined ? p : { ...p, figures: { ...p.figures, integral } };
    });
    return { ...measured, pods };
  }

  /** The metric's own figures: pods, then containers where pods lack data, and the group totals asked for. */
  private async measure(source: MetricSource, period: Period, ns: NamespaceFilter, stepMs: number, options: UsageOptions): Promise<MetricUsage> {
    const window: UsageWindow = { fromMs: period.from.getTime(), toMs: period.to.getTime(), stepMs };
    const margin = readMarginMs(window);
    const readFrom = new Date(window.fromMs - margin);
    const readTo = new Date(window.toMs + margin);
    const podPart = new PodUsageCollector(window);
    const podLevel = new PodLevelRuns(stepMs, countBucketMs(readTo.getTime() - readFrom.getTime(), stepMs));

    // The containers' sample counts do not depend on the pod series: asked while it streams.
    const [, containerCounts] = await Promise.all([
      source.podLevel
        ? this.consume(podSamplesQuery(source, ns, readFrom, readTo), source.scale, 0, (s) => {
            const key = podKeyOf(s, source);
            const id = podId(key);
            const acc = podPart.accumulatorFor(key);
            return { acc, onSample: (t) => podLevel.add(id, t) };
          })
        : undefined,
      source.podLevel && source.containerLevel ? this.influx.client.query(containerCountsQuery(source, ns, readFrom, readTo, podLevel.bucketMs / 1000)) : undefined,
    ]);
    const counted = podPart.podFigures().map(({ namespace, pod }) => ({ namespace, pod }));
    const countedIds = new Set(counted.map(podId));

    // Pods read (partly or wholly) from their containers.
    let fromContainers: ContainerPodSelection | undefined;
    let containerOnly: PodKey[] = [];
    if (source.containerLevel && !source.podLevel) {
      fromContainers = { mode: 'exclude', pods: [] };
    } else if (containerCounts) {
      const mixed = this.podsWithUncoveredContainers(source, containerCounts, podLevel);
      if (mixed.length > 0) fromContainers = { mode: 'include', pods: mixed };
      containerOnly = mixed.filter((p) => !countedIds.has(podId(p)));
    }

    // Started together in one Promise.all below (never one awaited while another runs unobserved).
    const tasks: (() => Promise<void>)[] = [];
    const containerPart = new PodUsageCollector(window);
    const containerCounters = new Map<string, { key: PodKey; acc: SeriesAccumulator }>();
    if (fromContainers && findMetric(source.metric)?.kind === 'counter') {
      // Counters per container: one container restarting resets its own counter, not its pod's.
      const query = containerSamplesQuery(source, ns, readFrom, readTo, fromContainers);
      tasks.push(() =>
        this.consume(query, source.scale, 0, (s) => {
          const key = podKeyOf(s, source);
          const id = podId(key);
          const containerId = `${id}\u0000${s.tags?.[source.tags.container] ?? ''}`;
          let entry = containerCounters.get(containerId);
          if (!entry) {
            entry = { key, acc: new SeriesAccumulator(window) };
            containerCounters.set(containerId, entry);
          }
          return { acc: entry.acc, accept: (t) => !podLevel.covers(id, t) };
        }),
      );
    } else if (fromContainers) {
      // A pod's containers come as one time-ordered series; the rows of one scrape are added up at
      // their own timestamp, so scrape jitter never moves the pod's sample onto the grid.
      const query = containerRowsByPodQuery(source, ns, readFrom, readTo, fromContainers);
      tasks.push(() =>
        this.consumeScrapes(query, source, stepMs, (s) => {
          const key = podKeyOf(s, source);
          const id = podId(key);
          const acc = containerPart.accumulatorFor(key);
          // Times the pod's own series covers are counted from it, never twice.
          return { acc, accept: (t) => !podLevel.covers(id, t) };
        }),
      );
    }
    const groups: GroupContext = {
      source,
      window,
      ns,
      // Group totals add the containers of pods that have no pod-level data at all.
      selection: !source.podLevel ? fromContainers : containerOnly.length > 0 ? { mode: 'include', pods: containerOnly } : undefined,
      podNamespaces: new Set([...counted, ...containerOnly].map((p) => p.namespace)),
      allFromContainers: !source.podLevel,
    };
    const namespaces = new Map<string, SeriesFigures>();
    let total: SeriesFigures | undefined;
    if (options.namespaces) {
      tasks.push(() => this.groupTotals(groups, 'namespace').then((m) => m.forEach((f, k) => namespaces.set(k, f))));
    }
    if (options.total) {
      tasks.push(() => this.groupTotals(groups, 'none').then((m) => void (total = m.get('') ?? emptyFigures())));
    }
    await Promise.all(tasks.map((run) => run()));
    const pods = combineParts(podPart.podFigures(), [...containerPart.podFigures(), ...sumContainers(containerCounters.values())]);
    return { stepMs, pods, namespaces, total };
  }

  /**
   * Per pod, the increase of the rate's counter twin in rate unit × seconds, when the metric has a
   * twin and the database holds it; undefined otherwise.
   */
  private async twinIntegrals(source: MetricSource, period: Period, ns: NamespaceFilter, stepMs: number): Promise<Map<string, number> | undefined> {
    const twin = COUNTER_TWINS[source.metric];
    if (!twin) return undefined;
    // Only where the storage schema collects the counter (Heapster's cpu/usage, Telegraf's
    // cpu_usage_core_nanoseconds) and the database holds it.
    const counter = await this.sources.sourceOf(twin.counter);
    if (!counter || !(await this.sources.isPresent(counter))) return undefined;
    const usage = await this.usage(counter, period, ns, stepMs);
    return new Map(usage.pods.filter((p) => p.figures.samples > 0 || p.figures.increase > 0).map((p) => [podId(p), p.figures.increase * twin.toRateSeconds]));
  }

  /**
   * Pods with container samples in a coarse bucket where their pod-level series has fewer samples
   * (or none), from the containers' sample counts per bucket (counted inside InfluxDB, a few rows
   * per container).
   */
  private podsWithUncoveredContainers(source: MetricSource, series: readonly InfluxSeries[], podLevel: PodLevelRuns): PodKey[] {
    const out = new Map<string, PodKey>();
    for (const s of series) {
      const key = podKeyOf(s, source);
      const id = podId(key);
      if (!key.pod || out.has(id)) continue;
      if (s.values.some((row) => Number(row[1]) > podLevel.samplesIn(id, Number(row[0])))) out.set(id, key);
    }
    return [...out.values()];
  }

  /**
   * Which pods to read from their containers, from the index alone (no data scan): for charts, where a
   * pod whose pod-level series exists anywhere in the period's shards is read from it.
   */
  async containerSelectionFromIndex(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date): Promise<ContainerPodSelection | undefined> {
    if (!source.containerLevel) return undefined;
    if (!source.podLevel) return { mode: 'exclude', pods: [] };
    const [withPodSeries, withContainers] = await Promise.all([
      this.podsAtLevel(source, source.podLevel, ns, from, to),
      this.podsAtLevel(source, source.containerLevel, ns, from, to),
    ]);
    const ids = new Set(withPodSeries.map(podId));
    return shorterSelection(
      withContainers.filter((p) => !ids.has(podId(p))),
      withPodSeries,
    );
  }

  /**
   * Totals per step, through the gap rule. Where the collector writes its own namespace series
   * (Heapster's `type=ns` for CPU and memory) those are read: a few series, and the sum the collector
   * saw even when one pod's scrape was lost. Otherwise the counted pods are summed per step.
   */
  private async groupTotals(g: GroupContext, grouping: TotalsGrouping): Promise<Map<string, SeriesFigures>> {
    const { source, window, ns, selection } = g;
    const margin = readMarginMs(window);
    const readFrom = new Date(window.fromMs - margin);
    const readTo = new Date(window.toMs + margin);
    const keyOf = (s: InfluxSeries) => (grouping === 'namespace' ? (s.tags?.[source.tags.namespace] ?? '') : '');
    const fromPods = (filter: NamespaceFilter) =>
      this.accumulateGroups(podTotalsPerStepQuery(source, filter, readFrom, readTo, window.stepMs, selection, grouping), g, keyOf);

    const nsLevel = g.allFromContainers ? undefined : namespaceLevelOf(source);
    if (!nsLevel) return fromPods(ns);
    const withSeries = new Set(await this.namespacesAtLevel(source, nsLevel, ns, readFrom, readTo));
    const missing = [...g.podNamespaces].filter((n) => !withSeries.has(n));
    if (grouping === 'none' && missing.length > 0) return fromPods(ns);
    const out = await this.accumulateGroups(namespaceSeriesPerStepQuery(source, nsLevel, ns, readFrom, readTo, window.stepMs, grouping), g, keyOf);
    if (missing.length > 0) (await fromPods({ only: missing })).forEach((f, k) => out.set(k, f));
    return out;
  }

  private async accumulateGroups(query: InfluxQuery, g: GroupContext, keyOf: (s: InfluxSeries) => string): Promise<Map<string, SeriesFigures>> {
    const accs = new Map<string, SeriesAccumulator>();
    await this.consume(query, g.source.scale, stepBuckets(g.window.stepMs).shiftMs, (s) => {
      const key = keyOf(s);
      let acc = accs.get(key);
      if (!acc) {
        acc = new SeriesAccumulator(g.window);
        accs.set(key, acc);
      }
      return { acc };
    });
    const out = new Map<string, SeriesFigures>();
    for (const [key, acc] of accs) {
      const f = acc.result();
      if (f.coveredMs > 0 || f.samples > 0) out.set(key, f);
    }
    return out;
  }

  /**
   * Streams a query's series into accumulators (no sink: skip the series). Pieces of one series
   * arrive consecutively and in time order, which is all an accumulator needs. `scale` converts the
   * stored unit to the catalog's (bytes → MB); `shiftMs` turns bucket starts into grid times.
   */
  private async consume(query: InfluxQuery, scale: number, shiftMs: number, sinkOf: (s: InfluxSeries) => SampleSink | undefined): Promise<void> {
    for await (const piece of this.influx.client.stream(query)) {
      const sink = sinkOf(piece);
      if (!sink) continue;
      const { acc, accept, onSample } = sink;
      for (const row of piece.values) {
        const v = row[1];
        if (v === null || v === undefined) continue;
        const t = Number(row[0]) + shiftMs;
        if (accept && !accept(t)) continue;
        onSample?.(t);
        acc.add(t, Number(v) * scale);
      }
    }
  }

  /**
   * Streams per-pod container rows (time, value, container) into accumulators, one sample per scrape:
   * consecutive rows within half a step of the scrape's first row, each container once, are summed
   * and stamped with that first row's time. Memory: one pending scrape per streamed series.
   */
  private async consumeScrapes(query: InfluxQuery, source: MetricSource, stepMs: number, sinkOf: (s: InfluxSeries) => SampleSink | undefined): Promise<void> {
    const merger = new ScrapeMerger(stepMs);
    let current: { id: string; sink: SampleSink | undefined } | undefined;
    const emit = (sink: SampleSink | undefined) => (timeMs: number, value: number) => {
      if (!sink || (sink.accept && !sink.accept(timeMs))) return;
      sink.onSample?.(timeMs);
      sink.acc.add(timeMs, value * source.scale);
    };
    for await (const piece of this.influx.client.stream(query)) {
      const id = JSON.stringify(piece.tags ?? {});
      // Pieces of one series arrive consecutively; a new series closes the previous one's last scrape.
      if (!current || current.id !== id) {
        if (current) merger.flush(emit(current.sink));
        current = { id, sink: sinkOf(piece) };
      }
      const valueIdx = piece.columns.indexOf('v');
      const containerIdx = piece.columns.indexOf(source.tags.container);
      for (const row of piece.values) {
        const v = row[valueIdx];
        if (v === null || v === undefined) continue;
        merger.add(Number(row[0]), Number(v), String(row[containerIdx] ?? ''), emit(current.sink));
      }
    }
    if (current) merger.flush(emit(current.sink));
  }

  /** (namespace, pod) pairs with series of a level in shards overlapping the period (index lookup, no scan). */
  private async podsAtLevel(source: MetricSource, level: { tag: string; value: string }, ns: NamespaceFilter, from: Date, to: Date): Promise<PodKey[]> {
    const out = new Map<string, PodKey>();
    for (const tags of await this.seriesTags(source, level, ns, from, to)) {
      const key = { namespace: tags[source.tags.namespace] ?? '', pod: tags[source.tags.pod] ?? '' };
      if (key.pod) out.set(podId(key), key);
    }
    return [...out.values()];
  }

  private async namespacesAtLevel(source: MetricSource, level: { tag: string; value: string }, ns: NamespaceFilter, from: Date, to: Date): Promise<string[]> {
    const out = new Set<string>();
    for (const tags of await this.seriesTags(source, level, ns, from, to)) {
      const namespace = tags[source.tags.namespace];
      if (namespace) out.add(namespace);
    }
    return [...out];
  }

  private async seriesTags(source: MetricSource, level: { tag: string; value: string }, ns: NamespaceFilter, from: Date, to: Date): Promise<Record<string, string>[]> {
    const series = await this.influx.client.query(levelSeriesKeysQuery(source, level, ns, from, to));
    return series.flatMap((s) => s.values.map((row) => parseSeriesKey(String(row[0]))));
  }
}

/** Where a streamed series' samples go. */
interface SampleSink {
  acc: SeriesAccumulator;
  /** Keeps a sample (default: all). */
  accept?: (timeMs: number) => boolean;
  /** Sees every kept sample's time. */
  onSample?: (timeMs: number) => void;
}

/** Per pod, the sum of its containers' figures (counters followed per container). */
function sumContainers(containers: Iterable<{ key: PodKey; acc: SeriesAccumulator }>): PodFigures[] {
  const out = new Map<string, PodFigures>();
  for (const { key, acc } of containers) {
    const c = acc.result();
    if (c.coveredMs <= 0 && c.samples <= 0) continue;
    const p = out.get(podId(key));
    if (!p) {
      out.set(podId(key), { ...key, figures: c });
      continue;
    }
    const f = p.figures;
    f.integral += c.integral;
    f.increase += c.increase;
    f.coveredMs = Math.max(f.coveredMs, c.coveredMs);
    f.samples += c.samples;
    f.sum += c.sum;
    f.max = Math.max(f.max, c.max);
  }
  return [...out.values()];
}

/** A pod's figures from its own series plus those from its containers at the other times. */
function combineParts(podPart: readonly PodFigures[], containerPart: readonly PodFigures[]): PodFigures[] {
  const out = new Map(podPart.map((p) => [podId(p), { ...p, figures: { ...p.figures } }]));
  for (const c of containerPart) {
    const p = out.get(podId(c));
    if (!p) {
      out.set(podId(c), c);
      continue;
    }
    const f = p.figures;
    f.integral += c.figures.integral;
    f.increase += c.figures.increase;
    // The two parts cover disjoint times.
    f.coveredMs += c.figures.coveredMs;
    f.samples += c.figures.samples;
    f.sum += c.figures.sum;
    f.max = Math.max(f.max, c.figures.max);
  }
  return [...out.values()].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.pod, b.pod));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface GroupContext {
  source: MetricSource;
  window: UsageWindow;
  ns: NamespaceFilter;
  selection: ContainerPodSelection | undefined;
  /** Namespaces with at least one counted pod. */
  podNamespaces: ReadonlySet<string>;
  /** The measurement has container series only. */
  allFromContainers: boolean;
}

/**
 * The level holding the collector's own namespace sums, when the metric has one: Heapster writes
 * `type=ns` series for `cpu/usage_rate`, `memory/usage` and the request/limit metrics.
 */
export function namespaceLevelOf(source: MetricSource): { tag: string; value: string } | undefined {
  const definition = findMetric(source.metric);
  if (!definition?.levels.includes('ns') || source.measurement !== source.metric) return undefined;
  if (source.podLevel?.tag !== 'type' || source.podLevel.value !== 'pod') return undefined;
  return { tag: source.podLevel.tag, value: 'ns' };
}

/** The pods without pod-level data, sent as the shorter list: those to include, or the others to exclude. */
function shorterSelection(containerOnly: readonly PodKey[], withPodSeries: readonly PodKey[]): ContainerPodSelection | undefined {
  if (containerOnly.length === 0) return undefined;
  return containerOnly.length <= withPodSeries.length ? { mode: 'include', pods: containerOnly } : { mode: 'exclude', pods: withPodSeries };
}

function podId(k: PodKey): string {
  return `${k.namespace}\u0000${k.pod}`;
}

function podKeyOf(s: InfluxSeries, source: MetricSource): PodKey {
  return { namespace: s.tags?.[source.tags.namespace] ?? '', pod: s.tags?.[source.tags.pod] ?? '' };
}

/** Parses `measurement,k=v,k2=v2` series keys (line-protocol escaping of `,`, `=` and spaces). */
export function parseSeriesKey(key: string): Record<string, string> {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    if (c === '\\' && i + 1 < key.length) {
      cur += key[++i];
    } else if (c === ',') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  const tags: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq > 0) tags[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return tags;
}
