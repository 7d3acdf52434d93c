import { HEAPSTER_TAGS } from '../metric-source';
import { chartBucketLayout, chartGroupTags, chartNewestSampleQuery, chartSeriesQuery, ChartSeriesRequest } from '../queries/series.query';
import { InfluxReads } from './influx-reads';

/** Values of one chart line, a piece at a time. */
export interface ChartPiece {
  /** The line's key under the seed's tag names (`namespace_name`, `pod_name`, …); a line's pieces come one after the other. */
  key: Record<string, string>;
  /** Time each value stands for: its chart point, `from + i·width`. */
  times: ArrayLike<number>;
  /** Gauges: the sum of the line's samples in the bucket; counters: the sum of its series' last values. In the catalog unit. */
  values: ArrayLike<number>;
}

/** Lines for charts, downsampled by the store. */
export interface ChartSeriesReader {
  /** The lines of a chart, each bucket with data once; at most `maxSeries` lines. */
  lines(request: ChartSeriesRequest): AsyncIterable<ChartPiece>;
  /** The time (epoch ms) of the newest sample the chart's lines hold; undefined without one. */
  newestSampleMs(request: ChartSeriesRequest): Promise<number | undefined>;
}

export class InfluxChartSeriesReader implements ChartSeriesReader {
  constructor(private readonly influx: InfluxReads) {}

  async *lines(request: ChartSeriesRequest): AsyncIterable<ChartPiece> {
    const { source, grouping } = request;
    const { halfMs } = chartBucketLayout(request.from, request.to, request.widthS, request.sampleStepMs);
    const names = chartGroupTags(source, grouping);
    const seedNames = chartGroupTags({ ...source, tags: HEAPSTER_TAGS }, grouping);
    for await (const piece of this.influx.stream(chartSeriesQuery(request))) {
      const tags = piece.tags ?? {};
      const key: Record<string, string> = {};
      names.forEach((tag, i) => (key[seedNames[i] ?? tag] = tags[tag] ?? ''));
      const times: number[] = [];
      const values: number[] = [];
      for (const row of piece.values) {
        const v = row[1];
        if (v === null || v === undefined) continue;
        // InfluxDB labels a bucket with its start, half a sample step after the point it stands for.
        times.push(Number(row[0]) - halfMs);
        values.push(Number(v) * source.scale);
      }
      yield { key, times, values };
    }
  }

  async newestSampleMs(request: ChartSeriesRequest): Promise<number | undefined> {
    const [series] = await this.influx.query(chartNewestSampleQuery(request));
    const time = series?.values?.[0]?.[0];
    return time === null || time === undefined ? undefined : Number(time);
  }
}
