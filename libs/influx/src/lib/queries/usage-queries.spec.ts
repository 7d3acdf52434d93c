import { ParamBag } from '../influx-query';
import { heapsterSource } from '../metric-source';
import { namespaceTagValuesQuery } from './namespaces.query';
import { countedSeriesCondition, levelSeriesKeysQuery } from './pod-selection';
import { chartBucketLayout, chartSeriesQuery } from './series.query';
import { stepBuckets } from './step-buckets';
import { containerCountsQuery, containerRowsByPodQuery, namespaceSeriesPerStepQuery, podTotalsPerStepQuery } from './usage-totals.query';

const cpu = heapsterSource('cpu/usage_rate');
const from = new Date('2024-03-20T00:00:00Z');
const to = new Date('2024-03-21T00:00:00Z');
const hostile = `x' OR 1=1; DROP DATABASE k8s --`;

/** Every value is a bound parameter: none of the values appears in the text. */
function expectBound(query: { text: string; params: Record<string, unknown> }, ...values: string[]): void {
  for (const v of values) {
    expect(query.text).not.toContain(v);
    expect(Object.values(query.params)).toContain(v);
  }
}

describe('usage queries', () => {
  it('should bind namespaces, pods and times, and quote identifiers', () => {
    const q = containerRowsByPodQuery(cpu, { only: [hostile] }, from, to, { mode: 'include', pods: [{ namespace: 'lab', pod: hostile }] });
    expectBound(q, hostile, from.toISOString(), 'pod_container');
    expect(q.text).toContain('SELECT "value" AS v, "container_name" FROM "cpu/usage_rate"');
    expect(q.text).toContain('GROUP BY "namespace_name", "pod_name"');
  });

  it('should count each pod once: pod-level series, or the containers of the selected pods (never their own series too)', () => {
    const bag = new ParamBag();
    expect(countedSeriesCondition(bag, cpu, { mode: 'include', pods: [{ namespace: 'a', pod: 'p' }] })).toBe(
      '(("type" = $level AND ("namespace_name" != $xns OR "pod_name" != $xpod)) OR ("type" = $level_1 AND (("namespace_name" = $ins AND "pod_name" = $ipod))))',
    );
    expect(countedSeriesCondition(new ParamBag(), cpu, undefined)).toBe('"type" = $level');
    expect(countedSeriesCondition(new ParamBag(), cpu, { mode: 'exclude', pods: [{ namespace: 'a', pod: 'p' }] })).toBe(
      '(("type" = $level AND (("namespace_name" = $ins AND "pod_name" = $ipod))) OR ("type" = $level_1 AND ("namespace_name" != $xns OR "pod_name" != $xpod)))',
    );
    // Every pod from its containers: no pod-level series in the sum at all.
    expect(countedSeriesCondition(new ParamBag(), cpu, { mode: 'exclude', pods: [] })).toBe(
      '(("type" = $level AND (("namespace_name" = $ins AND "pod_name" = $ipod))) OR "type" = $level_1)',
    );
  });

  it('should sum per step per namespace or overall', () => {
    expect(podTotalsPerStepQuery(cpu, { exclude: ['kube-system'] }, from, to, 60_000, undefined, 'namespace').text).toMatch(
      /GROUP BY time\(60s, 30s\), "namespace_name" fill\(none\)$/,
    );
    expect(namespaceSeriesPerStepQuery(cpu, { tag: 'type', value: 'ns' }, {}, from, to, 60_000, 'none').text).toMatch(/GROUP BY time\(60s, 30s\) fill\(none\)$/);
    expect(containerCountsQuery(cpu, {}, from, to, 3600).text).toMatch(/GROUP BY time\(3600s, 0s\), "namespace_name", "pod_name", "container_name" fill\(none\)$/);
    expectBound(levelSeriesKeysQuery(cpu, { tag: 'type', value: 'pod_container' }, { only: [hostile] }, from, to), hostile);
  });

  it('should put grid points in the middle of step buckets', () => {
    expect(stepBuckets(60_000)).toEqual({ stepS: 60, offsetS: 30, shiftMs: 30_000 });
    expect(stepBuckets(15_000)).toEqual({ stepS: 15, offsetS: 7, shiftMs: 8_000 });
  });
});

describe('chart queries', () => {
  it('should align buckets on the period start, shifted by half a sample step', () => {
    const layout = chartBucketLayout(new Date('2024-03-20T00:07:00Z'), to, 300, 60_000);
    expect(layout.halfMs).toBe(30_000);
    // Bucket starts at 00:07:30 + k·5 min: (00:07:30 in seconds) mod 300 = 150.
    expect(layout.offsetS).toBe(150);
    expect(layout.readFrom.toISOString()).toBe('2024-03-20T00:07:30.000Z');
  });

  it('should sum gauges per bucket and take counters’ last value per series before summing', () => {
    const base = { source: cpu, ns: { only: [hostile] }, from, to, widthS: 300, sampleStepMs: 60_000, grouping: 'namespace' as const, level: 'counted' as const, maxSeries: 501 };
    const gauge = chartSeriesQuery({ ...base, kind: 'gauge' });
    expect(gauge.text).toMatch(/^SELECT sum\("value"\) AS v FROM "cpu\/usage_rate" WHERE .* GROUP BY time\(300s, 30s\), "namespace_name" fill\(null\) SLIMIT \$slimit$/);
    expectBound(gauge, hostile);
    const counter = chartSeriesQuery({ ...base, source: heapsterSource('cpu/usage'), kind: 'counter', grouping: 'pod' });
    expect(counter.text).toMatch(
      /^SELECT sum\(v\) AS v FROM \(SELECT last\("value"\) AS v FROM "cpu\/usage" .*"nodename" fill\(none\)\) WHERE .* GROUP BY time\(300s, 30s\), "namespace_name", "pod_name" fill\(null\)/,
    );
  });

  it('should combine uptimes by their largest, not their sum: a namespace of 20 pods up a day is not up 20 days', () => {
    const base = {
      source: heapsterSource('uptime'),
      ns: {},
      from,
      to,
      widthS: 300,
      sampleStepMs: 60_000,
      grouping: 'namespace' as const,
      level: 'counted' as const,
      maxSeries: 501,
    };
    expect(chartSeriesQuery({ ...base, kind: 'counter', combine: 'max' }).text).toMatch(/^SELECT max\(v\) AS v FROM \(SELECT last\("value"\) AS v FROM "uptime" /);
    expect(chartSeriesQuery({ ...base, kind: 'counter' }).text).toMatch(/^SELECT sum\(v\) AS v FROM /);
  });

  it('should list namespaces with bound values', () => {
    const q = namespaceTagValuesQuery(['cpu/usage_rate', 'memory/usage'], 'namespace_name', [hostile]);
    expect(q.text).toBe('SHOW TAG VALUES FROM "cpu/usage_rate", "memory/usage" WITH KEY = "namespace_name" WHERE "namespace_name" = $ns');
    expectBound(q, hostile);
    expect(() => namespaceTagValuesQuery(['cpu"; DROP'], 'namespace_name')).toThrow(/invalid InfluxDB identifier/);
  });
});
