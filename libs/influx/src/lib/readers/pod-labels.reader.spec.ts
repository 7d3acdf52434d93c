import { InfluxQuery, InfluxSeries } from '../influx-query';
import { heapsterSource, MetricSource } from '../metric-source';
import { telegrafSource } from '../telegraf-sources';
import { InfluxReads } from './influx-reads';
import { InfluxPodLabelsReader, parseHeapsterLabels, telegrafLabelsOf } from './pod-labels.reader';

/** Answers every statement with the same series and records the statements. */
function fakeInflux(series: InfluxSeries[]): InfluxReads & { queries: InfluxQuery[] } {
  const queries: InfluxQuery[] = [];
  return {
    queries,
    query: async (q: InfluxQuery) => (queries.push(q), series),
    stream: async function* (q: InfluxQuery) {
      queries.push(q);
      yield* series;
    },
  };
}

const TELEGRAF_CPU = telegrafSource('cpu/usage_rate') as MetricSource;
const from = new Date('2024-03-20T00:00:00Z');
const to = new Date('2024-03-20T01:00:00Z');

describe(parseHeapsterLabels.name, () => {
  it('should split pairs at the first colon, so a value keeps its own', () => {
    expect(parseHeapsterLabels('app:web,team:vision')).toEqual({ app: 'web', team: 'vision' });
    expect(parseHeapsterLabels('url:http://x:8080/a,app.kubernetes.io/name:db')).toEqual({ url: 'http://x:8080/a', 'app.kubernetes.io/name': 'db' });
  });

  it('should keep empty values and leave out pairs without a key or a colon', () => {
    expect(parseHeapsterLabels('tier:,:orphan,flag,team:web')).toEqual({ tier: '', team: 'web' });
    expect(parseHeapsterLabels('')).toEqual({});
  });

  it('should read a `__proto__` key as a label, not as the object’s prototype', () => {
    const labels = parseHeapsterLabels('__proto__:x');
    expect(Object.keys(labels)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
  });
});

describe(telegrafLabelsOf.name, () => {
  it('should take every tag but the identity, image, version and host ones, and none that is empty', () => {
    const tags = {
      container_name: 'c',
      host: 'node-1',
      image: 'nginx',
      namespace: 'lab',
      node_name: 'node-1',
      pod_name: 'web-0',
      version: '1.25',
      team: 'vision',
      app: 'web',
      tier: '',
    };
    expect(telegrafLabelsOf(tags, TELEGRAF_CPU)).toEqual({ team: 'vision', app: 'web' });
  });
});

describe(InfluxPodLabelsReader.name, () => {
  it('should read Heapster’s labels tag per pod series, values bound, one point per series', async () => {
    const influx = fakeInflux([
      { name: 'cpu/usage_rate', tags: { namespace_name: 'lab', pod_name: 'train', labels: 'app:trainer,team:vision' }, columns: ['time', 'v'], values: [[1_710_896_400_000, 250]] },
      { name: 'cpu/usage_rate', tags: { namespace_name: 'lab', pod_name: 'bare', labels: '' }, columns: ['time', 'v'], values: [[1_710_896_400_000, 1]] },
    ]);
    const read = await new InfluxPodLabelsReader(influx).podLabels('heapster', heapsterSource('cpu/usage_rate'), { only: ['lab'] }, from, to);
    expect(read).toEqual([{ namespace: 'lab', pod: 'train', labels: { app: 'trainer', team: 'vision' }, atMs: 1_710_896_400_000 }]);
    const [q] = influx.queries;
    expect(q?.text).toBe(
      'SELECT last("value") AS v FROM "cpu/usage_rate" WHERE "pod_name" != $level AND ("namespace_name" = $ns) AND time >= $from AND time < $to GROUP BY "namespace_name", "pod_name", "labels"',
    );
    expect(q?.params).toEqual({ level: '', ns: 'lab', from: from.toISOString(), to: to.toISOString() });
  });

  it('should read Telegraf’s label tags from every series’ tags (GROUP BY *), leaving out rows without a value', async () => {
    const identity = { container_name: 'main', host: 'n1', namespace: 'lab', node_name: 'n1', pod_name: 'web-0', image: 'nginx', version: '1.25' };
    const influx = fakeInflux([
      { name: 'kubernetes_pod_container', tags: { ...identity, app: 'web', team: 'vision' }, columns: ['time', 'v'], values: [[2_000, 5]] },
      { name: 'kubernetes_pod_container', tags: { ...identity, app: 'web', team: 'nlp' }, columns: ['time', 'v'], values: [[3_000, null]] },
      { name: 'kubernetes_pod_container', tags: { ...identity, pod_name: 'plain', app: '', team: '' }, columns: ['time', 'v'], values: [[3_000, 5]] },
    ]);
    const read = await new InfluxPodLabelsReader(influx).podLabels('telegraf', TELEGRAF_CPU, { exclude: ['kube-system'] }, from, to);
    expect(read).toEqual([{ namespace: 'lab', pod: 'web-0', labels: { app: 'web', team: 'vision' }, atMs: 2_000 }]);
    expect(influx.queries[0]?.text).toBe(
      'SELECT last("cpu_usage_nanocores") AS v FROM "kubernetes_pod_container" WHERE "pod_name" != $level AND "namespace" != $exclude AND time >= $from AND time < $to GROUP BY *',
    );
  });
});
