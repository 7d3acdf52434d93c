import { Injectable } from '@nestjs/common';

import { RawPoint } from '@kube-monitoring/contract';
import { HEAPSTER_TAGS, MetricSource, rawPointsQuery } from '@kube-monitoring/influx';

import { InfluxConnection } from '../influx/influx-connection';
import { Period } from './period';

/** The newest samples of a metric in one namespace, with every tag (the seed's query without `agg`). */
@Injectable()
export class RawQueryService {
  constructor(private readonly influx: InfluxConnection) {}

  async query(source: MetricSource, namespace: string, period: Period, limit: number): Promise<RawPoint[]> {
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
