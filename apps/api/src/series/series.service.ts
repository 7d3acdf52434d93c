import { BadRequestException, Inject, Injectable } from '@nestjs/common';

import { compareNames, NamespaceFilter, roundFigure } from '@kube-monitoring/accounting';
import { MAX_PERIOD_DAYS, MetricDefinition, SeriesGroupBy, SeriesLine, SeriesResponse } from '@kube-monitoring/contract';
import { chartBucketLayout, ChartLevel, ChartSeriesReader, MetricSource } from '@kube-monitoring/influx';

import { AccessScope } from '../access/access-scope';
import { namespaceFilterFor, seesEveryNamespace } from '../access/namespace-policy';
import { PodUsageService } from '../aggregation/pod-usage.service';
import { Period, resolvePeriod } from '../common/period';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { CHART_SERIES_READER } from '../influx/reader-tokens';
import { HeavyRequestLimiter } from '../limits/heavy-request-limiter';
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
    @Inject(CHART_SERIES_READER) private readonly charts: ChartSeriesReader,
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
      const lines: SeriesLine[] = [];
      const request = {
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
        combine: definition.combine,
        maxSeries: MAX_SERIES + 1,
      };
      // Where the data ends: the bucket holding it is the mean of what it holds, not diluted by time not scraped yet.
      const newestMs = await this.charts.newestSampleMs(request);
      const edge = newestMs === undefined ? undefined : { newestMs, halfMs: chartBucketLayout(period.from, period.to, stepS, sampleStepMs).halfMs };
      const stream = this.charts.lines(request);
      for await (const piece of stream) {
        const key = piece.key;
        const id = JSON.stringify(key);
        let line = lines[lines.length - 1];
        if (!line || JSON.stringify(line.key) !== id) {
          line = { key, label: Object.values(key).join('/'), points: emptyPoints(period, stepS, points) };
          lines.push(line);
        }
        const { times, values } = piece;
        for (let j = 0; j < times.length; j++) {
          const i = Math.round(((times[j] as number) - period.from.getTime()) / (stepS * 1000));
          const point = line.points[i];
          if (!point) continue;
          point[1] = valueOf(values[j] as number, definition, i, period, stepS, sampleStepMs, edge);
        }
      }
      const truncated = lines.length > MAX_SERIES;
      const series = lines.slice(0, MAX_SERIES).sort((a, b) => compareNames(a.label, b.label));
      const newest = newestMs === undefined ? {} : { newest_sample_at: new Date(newestMs).toISOString() };
      return truncated ? { ...base, ...newest, series, truncated } : { ...base, ...newest, series };
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
  if (groupBy === 'node' && levels.includes('node') && source.nodeLevel && seesEveryNamespace(scope)) return 'node';
  return undefined;
}

function emptyPoints(period: Period, stepS: number, count: number): [number, number | null][] {
  const out: [number, number | null][] = [];
  for (let i = 0; i < count; i++) out.push([period.from.getTime() + i * stepS * 1000, null]);
  return out;
}

/**
 * Gauges: the sum of the samples in the bucket times the sample step, over the bucket's length, i.e.
 * the time average of the line over the bucket (time without samples counting as zero). The bucket
 * holding the newest sample of the chart (`edge`) ends where that sample's step ends: it is the mean
 * of what it holds, not diluted by the part not scraped yet. Counters: their (summed) last value.
 */
export function valueOf(
  raw: number,
  definition: Pick<MetricDefinition, 'kind'>,
  i: number,
  period: Period,
  stepS: number,
  sampleStepMs: number,
  edge?: { newestMs: number; halfMs: number },
): number {
  if (definition.kind === 'counter') return roundFigure(raw);
  const startMs = period.from.getTime() + i * stepS * 1000;
  // Bucket i holds the samples of [point + half, point + half + width), each standing for
  // [t − half, t − half + step): what is scraped of it ends where the newest sample's step ends.
  const scrapedMs = edge ? edge.newestMs - edge.halfMs + sampleStepMs - (startMs + edge.halfMs) : Number.POSITIVE_INFINITY;
  const lengthMs = Math.min(stepS * 1000, period.to.getTime() - startMs, Math.max(sampleStepMs, scrapedMs));
  // A step finer than the samples holds at most one sample per series: that sample is the average.
  const sampleMs = Math.max(1000, Math.round(sampleStepMs / 1000) * 1000);
  return roundFigure((raw * Math.min(sampleMs, lengthMs)) / lengthMs);
}
