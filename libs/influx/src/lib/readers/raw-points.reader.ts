import type { NamespaceFilter } from '@kube-monitoring/accounting';
import type { RawPoint } from '@kube-monitoring/contract';

import { HEAPSTER_TAGS, MetricSource } from '../metric-source';
import { rawPointsQuery } from '../queries/raw-points.query';
import { InfluxReads } from './influx-reads';

/** The newest samples of a metric, each with every tag of its series. */
export interface RawPointsReader {
  /** At most `limit` points in [from, to), newest first, in the catalog unit, tags under the seed's names. */
  points(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date, limit: number): Promise<RawPoint[]>;
}

export class InfluxRawPointsReader implements RawPointsReader {
  constructor(private readonly influx: InfluxReads) {}

  async points(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date, limit: number): Promise<RawPoint[]> {
    const series = await this.influx.query(rawPointsQuery(source, ns, from, to, limit));
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
