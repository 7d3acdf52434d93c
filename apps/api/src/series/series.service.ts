import { BadRequestException, Injectable } from '@nestjs/common';

import { MetricDefinition, SeriesGroupBy, SeriesLine, SeriesResponse } from '@kube-monitoring/contract';
import {
  chartBucketLayout,
  chartGroupTags,
  ChartLevel,
  chartSeriesQuery,
  HEAPSTER_TAGS,
  MetricSource,
  NamespaceFilter,
} from '@kube-monitoring/influx';

import { AccessScope, allowedNamespaces } from '../access/access-scope';
import { namespaceFilterFor } from '../aggregation/aggregation.service';
import { PodUsageService } from '../aggregation/pod-usage.service';
import { InfluxConnection } from '../influx/influx-connection';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { HeavyRequestLimiter } from '../limits/heavy-request-limiter';
import { MAX_PERIOD_DAYS, Period, resolvePeriod } from '../metrics/period';
import { chooseChartStepSeconds, MAX_REQUESTED_POINTS, pointsFor } from './chart-step';
import { SeriesRequestDto } from './series.dto';

const DEFAULT_SPAN_MS = 60 * 60_000;
/** Lines in one answer; more is not a readable chart. */
export const MAX_SERIES = 500;

/**
 * `POST /api/series/{metric}`: lines for charts, downsampled inside InfluxDB to a chart-friendly step.
 * Each pod is counted once (pod-level series, or its containers), as in the usage figures.
 */
@Injectable()
export class SeriesService {
  constructor(
    private readonly sources: MetricSourceResolver,
    private readonly podUsage: PodUsageService,
    private readonly influx: InfluxConnection,
    private readonly limiter: HeavyRequestLimiter,
  ) {}

  async series(metric: string, body: SeriesRequestDto, scope: AccessScope): Promise<SeriesResponse> {
    const { definition, source } = await this.sources.resolve(metric);
    const period = resolvePeriod(body.from, body.to, { defaultSpanMs: DEFAULT_SPAN_MS, fields: { begin: 'from', end: 'to' }, maxDays: MAX_PERIOD_DAYS });
    const periodMs = period.to.getTime() - period.from.getTime();
    const groupBy = body.groupBy ?? 'namespace';
    const filter = namespaceFilterFor(scope, { namespace: body.namespace, includeSystem: body.includeSystem });
    const sampleStepMs = await this.podUsage.stepMs(source, period);
    const stepS = body.step ?? chooseChartStepSeconds(periodMs, sampleStepMs);
    const points = pointsFor(periodMs, stepS);
    if (points > MAX_REQUESTED_POINTS) {
      const least = Math.ceil(periodMs / 1000 / MAX_REQUESTED_POINTS);
      throw new BadRequestException(`step: ${stepS} s gives ${points} points over this period, at most ${MAX_REQUESTED_POINTS}; use a step of at least ${least} s`);
    }
    const base: SeriesResponse = {
      metric: definition.name,
      unit: definition.unit,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      step_seconds: stepS,
      groupBy,
      series: [],
    };
    const level = levelFor(definition, source, groupBy, scope);
    if (!level) return base;
    // A chart always reads InfluxDB: it counts against the caller's heavy requests.
    return this.limiter.run(scope, async (admit) => {
      await admit();
      const selection = level === 'counted' ? await this.podUsage.containerSelectionFromIndex(source, filter, period.from, period.to) : undefined;
      // The nodes' own series carry no namespace: a namespace filter would select nothing.
      const ns: NamespaceFilter = level === 'node' ? {} : filter;
      const query = chartSeriesQuery({
        source,
        ns,
        from: period.from,
        to: period.to,
        widthS: stepS,
        sampleStepMs,
        grouping: groupBy,
        level,
        selection,
        kind: definition.kind,
        maxSeries: MAX_SERIES + 1,
      });
      const lines: SeriesLine[] = [];
      const layout = chartBucketLayout(period.from, period.to, stepS, sampleStepMs);
      for await (const piece of this.influx.client.stream(query)) {
        const key = keyOf(piece.tags ?? {}, source, groupBy);
        const id = JSON.stringify(key);
        let line = lines[lines.length - 1];
        if (!line || JSON.stringify(line.key) !== id) {
          line = { key, label: Object.values(key).join('/'), points: emptyPoints(period, stepS, points) };
          lines.push(line);
        }
        for (const row of piece.values) {
          const v = row[1];
          if (v === null || v === undefined) continue;
          const i = Math.round((Number(row[0]) - period.from.getTime() - layout.halfMs) / (stepS * 1000));
          const point = line.points[i];
          if (!point) continue;
          point[1] = valueOf(Number(v) * source.scale, definition, i, period, stepS, sampleStepMs);
        }
      }
      const truncated = lines.length > MAX_SERIES;
      const series = lines.slice(0, MAX_SERIES).sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
      return truncated ? { ...base, series, truncated } : { ...base, series };
    });
  }
}

/**
 * Which series a grouping reads for a metric, or none when the metric has no such level in the
 * catalog or in the storage schema (Telegraf writes network per pod only, nvidia-smi per node only).
 */
function levelFor(definition: MetricDefinition, source: MetricSource, groupBy: SeriesGroupBy, scope: AccessScope): ChartLevel | undefined {
  const levels = definition.levels;
  const hasPods = (levels.includes('pod') || levels.includes('pod_container')) && (source.podLevel !== undefined || source.containerLevel !== undefined);
  if (groupBy === 'container') return levels.includes('pod_container') && source.containerLevel ? 'container' : undefined;
  if (hasPods) return 'counted';
  // A node's own series mixes every namespace: only for callers who may see them all.
  if (groupBy === 'node' && levels.includes('node') && source.nodeLevel && allowedNamespaces(scope) === 'all') return 'node';
  return undefined;
}

/** The line's key under the seed's tag names, whatever the storage schema calls them. */
function keyOf(tags: Record<string, string>, source: MetricSource, groupBy: SeriesGroupBy): Record<string, string> {
  const names = chartGroupTags(source, groupBy);
  const seedNames = chartGroupTags({ ...source, tags: HEAPSTER_TAGS }, groupBy);
  const key: Record<string, string> = {};
  names.forEach((tag, i) => (key[seedNames[i] ?? tag] = tags[tag] ?? ''));
  return key;
}

function emptyPoints(period: Period, stepS: number, count: number): [number, number | null][] {
  const out: [number, number | null][] = [];
  for (let i = 0; i < count; i++) out.push([period.from.getTime() + i * stepS * 1000, null]);
  return out;
}

/**
 * Gauges: the sum of the samples in the bucket times the sample step, over the bucket's length, i.e.
 * the time average of the line over the bucket (time without samples counting as zero).
 * Counters: their (summed) last value.
 */
function valueOf(raw: number, definition: MetricDefinition, i: number, period: Period, stepS: number, sampleStepMs: number): number {
  if (definition.kind === 'counter') return round(raw);
  const startMs = period.from.getTime() + i * stepS * 1000;
  const lengthMs = Math.min(stepS * 1000, period.to.getTime() - startMs);
  // A step finer than the samples holds at most one sample per series: that sample is the average.
  const sampleMs = Math.max(1000, Math.round(sampleStepMs / 1000) * 1000);
  return round((raw * Math.min(sampleMs, lengthMs)) / lengthMs);
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : 0;
}
