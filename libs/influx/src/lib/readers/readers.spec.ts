import { InfluxQuery, InfluxSeries } from '../influx-query';
import { heapsterSource, MetricSource } from '../metric-source';
import { telegrafSource } from '../telegraf-sources';
import { InfluxChartSeriesReader } from './chart-series.reader';
import { InfluxReads } from './influx-reads';
import { InfluxRawPointsReader } from './raw-points.reader';
import { parseSeriesKey } from './series-keys';
import { InfluxMetricSamples } from './usage-samples.reader';

/** Answers every statement with the same series, whole or streamed, and records the statements. */
function fakeInflux(series: InfluxSeries[]): InfluxReads & { texts: string[] } {
  const texts: string[] = [];
  return {
    texts,
    query: async (q: InfluxQuery) => (texts.push(q.text), series),
    stream: async function* (q: InfluxQuery) {
      texts.push(q.text);
      yield* series;
    },
  };
}

function telegraf(metric: string): MetricSource {
  const source = telegrafSource(metric);
  if (!source) throw new Error(`${metric} is not collected by Telegraf`);
  return source;
}

/** An array-like's items, for comparing. */
function items<T>(a: ArrayLike<T> | undefined): T[] {
  return Array.from(a ?? []);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const from = new Date('2024-03-20T00:00:00Z');
const to = new Date('2024-03-21T00:00:00Z');

describe(InfluxMetricSamples.name, () => {
  const cpu = heapsterSource('cpu/usage_rate');

  it('should answer typed pieces per pod, leaving out rows without a value', async () => {
    const influx = fakeInflux([
      {
        name: 'cpu/usage_rate',
        tags: { namespace_name: 'lab', pod_name: 'a' },
        columns: ['time', 'v'],
        values: [
          [60_000, 5],
          [120_000, null],
          [180_000, 7],
        ],
      },
    ]);
    const [piece] = await collect(new InfluxMetricSamples(influx, cpu).podSamples({}, from, to));
    expect(piece?.series).toEqual({ namespace: 'lab', pod: 'a' });
    expect(items(piece?.times)).toEqual([60_000, 180_000]);
    expect(items(piece?.values)).toEqual([5, 7]);
  });

  it('should stamp per-step sums at the grid time of the samples summed', async () => {
    // InfluxDB labels the bucket [00:00:30, 00:01:30) with its start; its samples sit on 00:01:00.
    const influx = fakeInflux([{ name: 'cpu/usage_rate', tags: { namespace_name: 'lab' }, columns: ['time', 'total'], values: [[30_000, 1500]] }]);
    const [piece] = await collect(new InfluxMetricSamples(influx, cpu).countedTotalsPerStep({}, from, to, 60_000, undefined, 'namespace'));
    expect(piece?.series).toBe('lab');
    expect(items(piece?.times)).toEqual([60_000]);
  });

  it('should name each container row’s container, and each series key’s pod', async () => {
    const rows = fakeInflux([
      {
        name: 'cpu/usage_rate',
        tags: { namespace_name: 'lab', pod_name: 'a' },
        columns: ['time', 'v', 'container_name'],
        values: [
          [60_000, 2, 'app'],
          [61_000, 3, 'sidecar'],
        ],
      },
    ]);
    const [piece] = await collect(new InfluxMetricSamples(rows, cpu).containerRowsByPod({}, from, to, { mode: 'exclude', pods: [] }));
    expect(items(piece?.containers)).toEqual(['app', 'sidecar']);
    const keys = fakeInflux([{ name: 'cpu/usage_rate', columns: ['key'], values: [['cpu/usage_rate,namespace_name=lab,pod_name=a\\,b,type=pod']] }]);
    expect(await new InfluxMetricSamples(keys, cpu).seriesPods('pod', {}, from, to)).toEqual([{ namespace: 'lab', pod: 'a,b' }]);
    expect(keys.texts[0]).toMatch(/^SHOW SERIES FROM "cpu\/usage_rate" WHERE "type" = \$level/);
  });

  it('should know which levels the schema stores, and where the collector writes namespace totals', () => {
    const influx = fakeInflux([]);
    expect(new InfluxMetricSamples(influx, cpu)).toMatchObject({ hasPodSeries: true, hasContainerSeries: true, hasNamespaceSeries: true, resolutionKey: 'cpu/usage_rate' });
    expect(new InfluxMetricSamples(influx, heapsterSource('gpu/usage'))).toMatchObject({ hasNamespaceSeries: false });
    expect(new InfluxMetricSamples(influx, telegraf('memory/usage'))).toMatchObject({ hasPodSeries: false, hasContainerSeries: true, hasNamespaceSeries: false });
  });
});

describe('chart and raw readers', () => {
  it('should key chart lines by the seed’s tag names and place each value at its chart point, in the catalog unit', async () => {
    const source = telegraf('memory/usage');
    const influx = fakeInflux([
      {
        name: 'kubernetes_pod_container',
        tags: { namespace: 'lab' },
        columns: ['time', 'v'],
        values: [
          [30_000, 2e6],
          [330_000, null],
        ],
      },
    ]);
    const request = {
      source: { ...source, scale: 1e-6 },
      ns: {},
      from: new Date(0),
      to: new Date(600_000),
      widthS: 300,
      sampleStepMs: 60_000,
      grouping: 'namespace' as const,
      level: 'counted' as const,
      kind: 'gauge' as const,
      maxSeries: 10,
    };
    const [piece] = await collect(new InfluxChartSeriesReader(influx).lines(request));
    expect(piece).toEqual({ key: { namespace_name: 'lab' }, times: [0], values: [2] });
  });

  it('should answer raw points newest first with every tag under the seed’s names', async () => {
    const source = telegraf('memory/usage');
    const influx = fakeInflux([{ name: 'kubernetes_pod_container', columns: ['time', source.field, 'namespace', 'pod_name', 'host'], values: [[60_000, 1024, 'lab', 'a', null]] }]);
    expect(await new InfluxRawPointsReader(influx).points(source, { only: ['lab'] }, from, to, 10)).toEqual([
      { time: '1970-01-01T00:01:00.000Z', value: 1024, namespace_name: 'lab', pod_name: 'a' },
    ]);
  });
});

describe(parseSeriesKey.name, () => {
  it('should read tags with escaped commas, equals signs and spaces', () => {
    expect(parseSeriesKey('m,a=x\\ y,b=1\\=2,c=')).toEqual({ a: 'x y', b: '1=2', c: '' });
  });
});
