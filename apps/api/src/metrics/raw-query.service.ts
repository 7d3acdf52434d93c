import { Inject, Injectable } from '@nestjs/common';

import { RawPoint } from '@kube-monitoring/contract';
import { HEAPSTER_TAGS, MetricSource, rawPointsQuery } from '@kube-monitoring/influx';

import { SettledPeriodCache } from '../cache/settled-period-cache';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { InfluxConnection } from '../influx/influx-connection';
import { Period } from './period';

/** Cached raw answers hold at most this many points in all (~50 MB), whatever their count. */
const MAX_CACHED_POINTS = 100_000;

/** The newest samples of a metric in one namespace, with every tag (the seed's query without `agg`). */
@Injectable()
export class RawQueryService {
  private readonly settled: SettledPeriodCache<RawPoint[]>;

  constructor(
    private readonly influx: InfluxConnection,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.settled = new SettledPeriodCache({ ...config.settledCache, maxWeight: MAX_CACHED_POINTS });
  }

  /** Samples of a period that is over and settled do not change: such answers are kept for a while. */
  query(source: MetricSource, namespace: string, period: Period, limit: number): Promise<RawPoint[]> {
    const key = JSON.stringify([source, namespace, period.from.getTime(), period.to.getTime(), limit]);
    return this.settled.get(key, period.to.getTime(), () => this.read(source, namespace, period, limit), (points) => points.length);
  }

  private async read(source: MetricSource, namespace: string, period: Period, limit: number): Promise<RawPoint[]> {
    const series = await this.influx.client.query(rawPointsQuery(source, { only: [namespace] }, period.from, period.to, limit));
    const names = seedTagNames(source);
    const points: RawPoint[] = [];
    for (const s of series) {
      const timeIdx = s.columns.indexOf('time');
      const valueIdx = s.columns.indexOf(source.field);
      for (const row of s.values) {
        const point: RawPoint = { time: new Date(Number(row[timeIdx])).toISOString(), value: 0 };
        s.columns.forEach((col, i) => {
          if (i === timeIdx || i === valueIdx) return;
          const v = row[i];
          if (v !== null && v !== undefined) point[names.get(col) ?? col] = v as string | number;
        });
        point.value = Number(row[valueIdx]) * source.scale;
        points.push(point);
      }
    }
    return points;
  }
}

/** Storage tag name → the seed's name, for the tags that identify a pod. */
function seedTagNames(source: MetricSource): Map<string, string> {
  const keys = ['namespace', 'pod', 'container', 'node'] as const;
  return new Map(keys.map((k) => [source.tags[k], HEAPSTER_TAGS[k]]));
}
