import { Inject, Injectable } from '@nestjs/common';

import { detectStepMs, PodFigures, PodUsageCollector, readMarginMs, UsageWindow } from '@kube-monitoring/accounting';
import {
  containerSumSamplesQuery,
  InfluxSeries,
  MetricSource,
  NamespaceFilter,
  namespacePeakQuery,
  podSamplesQuery,
  sampleGapsQuery,
  seriesKeysQuery,
} from '@kube-monitoring/influx';

import { APP_CONFIG, AppConfig } from '../config/app-config';
import { InfluxConnection } from '../influx/influx-connection';
import { Period } from '../metrics/period';

const STEP_CACHE_MS = 10 * 60_000;
/** Above this many candidate pods, one unfiltered container query is cheaper than a long OR-list. */
const MAX_LISTED_PODS = 300;

export interface NamespacePeak {
  peak: number;
  steps: number;
}

/**
 * Per-pod usage of one metric over a period (SPEC §4), computed by streaming InfluxDB's chunked
 * answer through one accumulator per pod: memory follows the number of series, not of samples.
 * Each pod is counted once: its pod-level series, or else its containers summed inside InfluxDB.
 */
@Injectable()
export class PodUsageService {
  private readonly stepCache = new Map<string, { at: number; stepMs: number }>();

  constructor(
    private readonly influx: InfluxConnection,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

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
    const window: UsageWindow = { fromMs: period.from.getTime(), toMs: period.to.getTime(), stepMs };
    const margin = readMarginMs(window);
    const readFrom = new Date(window.fromMs - margin);
    const readTo = new Date(window.toMs + margin);
    const collector = new PodUsageCollector(window);

    if (source.podLevel) {
      await this.consume(podSamplesQuery(source, ns, readFrom, readTo), source, collector);
    }
    if (source.containerLevel) {
      const candidates = source.podLevel ? await this.podsWithoutPodSeries(source, ns, collector) : undefined;
      if (candidates === undefined || candidates.length > 0) {
        const listed = candidates && candidates.length <= MAX_LISTED_PODS ? candidates : undefined;
        // Snapshot before streaming containers: those pods are already counted from their pod series.
        const counted = new Set(collector.podFigures().map((p) => podId(p)));
        const skip = (k: { namespace: string; pod: string }) => counted.has(podId(k));
        // Buckets start half a step before the sample they hold: shift back to the sample's time.
        const bucketShift = Math.floor(Math.max(1, Math.round(stepMs / 1000)) / 2) * 1000;
        await this.consume(containerSumSamplesQuery(source, ns, readFrom, readTo, stepMs, listed), source, collector, skip, bucketShift);
      }
    }
    return collector.podFigures();
  }

  /** Peak of each namespace's total and its number of steps with data, computed inside InfluxDB. */
  async namespacePeaks(source: MetricSource, period: Period, ns: NamespaceFilter, stepMs: number): Promise<Map<string, NamespacePeak>> {
    const series = await this.influx.client.query(namespacePeakQuery(source, ns, period.from, period.to, stepMs));
    const out = new Map<string, NamespacePeak>();
    for (const s of series) {
      const namespace = s.tags?.[source.tags.namespace] ?? '';
      const row = s.values[0];
      if (!row) continue;
      out.set(namespace, { peak: Number(row[1]) * source.scale, steps: Number(row[2]) });
    }
    return out;
  }

  private async consume(
    query: ReturnType<typeof podSamplesQuery>,
    source: MetricSource,
    collector: PodUsageCollector,
    skip: (k: { namespace: string; pod: string }) => boolean = () => false,
    timeShiftMs = 0,
  ): Promise<void> {
    for await (const piece of this.influx.client.stream(query)) {
      const key = podKeyOf(piece, source);
      if (skip(key)) continue;
      const acc = collector.accumulatorFor(key);
      const scale = source.scale;
      for (const row of piece.values) {
        const v = row[1];
        if (v === null || v === undefined) continue;
        acc.add(Number(row[0]) + timeShiftMs, Number(v) * scale);
      }
    }
  }

  /** Pods that have container series but no pod-level data in the period (index lookup, no scan). */
  private async podsWithoutPodSeries(
    source: MetricSource,
    ns: NamespaceFilter,
    collector: PodUsageCollector,
  ): Promise<{ namespace: string; pod: string }[]> {
    const series = await this.influx.client.query(seriesKeysQuery(source, 'container', ns));
    const out = new Map<string, { namespace: string; pod: string }>();
    for (const s of series) {
      for (const row of s.values) {
        const tags = parseSeriesKey(String(row[0]));
        const key = { namespace: tags[source.tags.namespace] ?? '', pod: tags[source.tags.pod] ?? '' };
        if (!key.pod || collector.has(key)) continue;
        out.set(podId(key), key);
      }
    }
    return [...out.values()];
  }
}

function podId(k: { namespace: string; pod: string }): string {
  return `${k.namespace}\u0000${k.pod}`;
}

function podKeyOf(s: InfluxSeries, source: MetricSource): { namespace: string; pod: string } {
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
