import type {
  ContainerKey,
  ContainerPodSelection,
  ContainerRowsPiece,
  MetricSamples,
  NamespaceFilter,
  NodeSamples,
  PodKey,
  SampleCounts,
  SamplePiece,
  SampleStream,
  SeriesLevel,
  TotalsGrouping,
  UsageSampleStore,
} from '@kube-monitoring/accounting';
import { findMetric } from '@kube-monitoring/contract';

import { InfluxQuery } from '../influx-query';
import { LevelSelector, MetricSource } from '../metric-source';
import { podSamplesQuery, sampleGapsQuery } from '../queries/pod-samples.query';
import { levelSeriesKeysQuery } from '../queries/pod-selection';
import { stepBuckets } from '../queries/step-buckets';
import {
  containerCountsQuery,
  containerRowsByPodQuery,
  containerSamplesQuery,
  firstSampleQuery,
  namespaceSeriesPerStepQuery,
  nodeSamplesQuery,
  podTotalsPerStepQuery,
  sampleCountsQuery,
} from '../queries/usage-totals.query';
import { InfluxReads, samplePiece } from './influx-reads';
import { parseSeriesKey } from './series-keys';

/**
 * The level holding the collector's own namespace sums, when the metric has one: Heapster writes
 * `type=ns` series for `cpu/usage_rate`, `memory/usage` and the request/limit metrics.
 */
export function namespaceLevelOf(source: MetricSource): LevelSelector | undefined {
  const definition = findMetric(source.metric);
  if (!definition?.levels.includes('ns') || source.measurement !== source.metric) return undefined;
  if (source.podLevel?.tag !== 'type' || source.podLevel.value !== 'pod') return undefined;
  return { tag: source.podLevel.tag, value: 'ns' };
}

/**
 * One metric's samples in InfluxDB, for the usage computation: every sum, count and index lookup
 * it describes is one InfluxQL statement, streamed where it is long (chunked answers, memory bounded
 * by one chunk).
 */
export class InfluxMetricSamples implements MetricSamples, SampleCounts, NodeSamples {
  readonly metric: string;
  readonly cacheKey: string;
  /** A measurement's series are written together: one resolution per measurement. */
  readonly resolutionKey: string;
  readonly scale: number;
  readonly hasPodSeries: boolean;
  readonly hasContainerSeries: boolean;
  readonly hasNamespaceSeries: boolean;
  private readonly namespaceLevel: LevelSelector | undefined;

  constructor(
    private readonly influx: InfluxReads,
    private readonly source: MetricSource,
  ) {
    this.metric = source.metric;
    this.cacheKey = JSON.stringify(source);
    this.resolutionKey = source.measurement;
    this.scale = source.scale;
    this.hasPodSeries = !!source.podLevel;
    this.hasContainerSeries = !!source.containerLevel;
    this.namespaceLevel = namespaceLevelOf(source);
    this.hasNamespaceSeries = this.namespaceLevel !== undefined;
  }

  async sampleIntervals(from: Date, to: Date): Promise<number[]> {
    const series = await this.influx.query(sampleGapsQuery(this.source, from, to));
    return series.flatMap((s) => s.values.map((row) => Number(row[1])));
  }

  podSamples(ns: NamespaceFilter, from: Date, to: Date): SampleStream<PodKey> {
    return this.pieces(podSamplesQuery(this.source, ns, from, to), (tags) => this.podOf(tags));
  }

  containerSamples(ns: NamespaceFilter, from: Date, to: Date, pods: ContainerPodSelection): SampleStream<ContainerKey> {
    return this.pieces(containerSamplesQuery(this.source, ns, from, to, pods), (tags) => ({ ...this.podOf(tags), container: tags[this.source.tags.container] ?? '' }));
  }

  async *containerRowsByPod(ns: NamespaceFilter, from: Date, to: Date, pods: ContainerPodSelection): AsyncIterable<ContainerRowsPiece> {
    for await (const piece of this.influx.stream(containerRowsByPodQuery(this.source, ns, from, to, pods))) {
      const valueIdx = piece.columns.indexOf('v');
      const containerIdx = piece.columns.indexOf(this.source.tags.container);
      const rows = piece.values;
      const times = new Float64Array(rows.length);
      const values = new Float64Array(rows.length);
      const containers: string[] = [];
      for (const row of rows) {
        const v = row[valueIdx];
        if (v === null || v === undefined) continue;
        times[containers.length] = Number(row[0]);
        values[containers.length] = Number(v);
        containers.push(String(row[containerIdx] ?? ''));
      }
      const n = containers.length;
      yield { series: this.podOf(piece.tags ?? {}), times: times.subarray(0, n), values: values.subarray(0, n), containers };
    }
  }

  async containerSampleCounts(ns: NamespaceFilter, from: Date, to: Date, bucketMs: number): Promise<readonly SamplePiece<PodKey>[]> {
    const series = await this.influx.query(containerCountsQuery(this.source, ns, from, to, bucketMs / 1000));
    return series.map((s) => samplePiece(this.podOf(s.tags ?? {}), s.values));
  }

  async samplesPerBucket(from: Date, to: Date, bucketMs: number): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const s of await this.influx.query(sampleCountsQuery(this.source, from, to, Math.round(bucketMs / 1000)))) {
      const piece = samplePiece('', s.values);
      for (let i = 0; i < piece.times.length; i++) out.set(piece.times[i] as number, (out.get(piece.times[i] as number) ?? 0) + (piece.values[i] as number));
    }
    return out;
  }

  /** Node-level samples (Heapster's `type=node`), one series per node; none where the schema writes no node series. */
  async *nodeSamples(from: Date, to: Date): SampleStream<string> {
    const level = this.source.nodeLevel;
    if (!level) return;
    yield* this.pieces(nodeSamplesQuery(this.source, level, from, to), (tags) => tags[this.source.tags.node] ?? '');
  }

  async firstSampleMs(): Promise<number | undefined> {
    const [series] = await this.influx.query(firstSampleQuery(this.source));
    const piece = samplePiece('', series?.values ?? []);
    return piece.times.length > 0 ? (piece.times[0] as number) : undefined;
  }

  countedTotalsPerStep(
    ns: NamespaceFilter,
    from: Date,
    to: Date,
    stepMs: number,
    containerPods: ContainerPodSelection | undefined,
    grouping: TotalsGrouping,
  ): SampleStream<string> {
    return this.totals(podTotalsPerStepQuery(this.source, ns, from, to, stepMs, containerPods, grouping), stepMs, grouping);
  }

  namespaceTotalsPerStep(ns: NamespaceFilter, from: Date, to: Date, stepMs: number, grouping: TotalsGrouping): SampleStream<string> {
    return this.totals(namespaceSeriesPerStepQuery(this.source, this.requireNamespaceLevel(), ns, from, to, stepMs, grouping), stepMs, grouping);
  }

  async seriesPods(level: SeriesLevel, ns: NamespaceFilter, from: Date, to: Date): Promise<PodKey[]> {
    const selector = level === 'pod' ? this.source.podLevel : this.source.containerLevel;
    if (!selector) return [];
    return (await this.seriesTags(selector, ns, from, to)).map((tags) => this.podOf(tags));
  }

  async namespaceTotalSeries(ns: NamespaceFilter, from: Date, to: Date): Promise<string[]> {
    return (await this.seriesTags(this.requireNamespaceLevel(), ns, from, to)).map((tags) => tags[this.source.tags.namespace] ?? '');
  }

  private podOf(tags: Record<string, string>): PodKey {
    return { namespace: tags[this.source.tags.namespace] ?? '', pod: tags[this.source.tags.pod] ?? '' };
  }

  private async *pieces<S>(query: InfluxQuery, seriesOf: (tags: Record<string, string>) => S, shiftMs = 0): SampleStream<S> {
    for await (const piece of this.influx.stream(query)) yield samplePiece(seriesOf(piece.tags ?? {}), piece.values, 1, shiftMs);
  }

  /** Sums per step bucket, labelled by InfluxDB with the bucket start: shifted back to the grid time. */
  private totals(query: InfluxQuery, stepMs: number, grouping: TotalsGrouping): SampleStream<string> {
    return this.pieces(query, (tags) => (grouping === 'namespace' ? (tags[this.source.tags.namespace] ?? '') : ''), stepBuckets(stepMs).shiftMs);
  }

  /** Tags of the series of a level with data in shards overlapping the period (index lookup, no scan). */
  private async seriesTags(level: LevelSelector, ns: NamespaceFilter, from: Date, to: Date): Promise<Record<string, string>[]> {
    const series = await this.influx.query(levelSeriesKeysQuery(this.source, level, ns, from, to));
    return series.flatMap((s) => s.values.map((row) => parseSeriesKey(String(row[0]))));
  }

  private requireNamespaceLevel(): LevelSelector {
    if (!this.namespaceLevel) throw new Error(`${this.source.metric} has no namespace totals in this schema`);
    return this.namespaceLevel;
  }
}

/** Where the usage computation finds metrics in InfluxDB: by catalog name, or by a source already resolved. */
export class InfluxUsageSamples implements UsageSampleStore {
  constructor(
    private readonly influx: InfluxReads,
    /** Where a catalog metric is stored, when the schema collects it and the database holds it. */
    private readonly locate: (metric: string) => Promise<MetricSource | undefined>,
  ) {}

  forSource(source: MetricSource): InfluxMetricSamples {
    return new InfluxMetricSamples(this.influx, source);
  }

  async samplesOf(metric: string): Promise<MetricSamples | undefined> {
    const source = await this.locate(metric);
    return source ? this.forSource(source) : undefined;
  }
}
