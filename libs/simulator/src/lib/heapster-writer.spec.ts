import { METRIC_CATALOG } from '@kube-monitoring/contract';

import { at, T0 } from '../testing/spec-helpers';
import { ClusterSimulator } from './cluster-simulator';
import { HeapsterWriter, seriesKey } from './heapster-writer';
import { parseLine } from './line-protocol';
import type { ScrapeFrame } from './samples';

function firstFrame(): ScrapeFrame {
  const sim = new ClusterSimulator({ profile: 'tiny', seed: 3 });
  for (const frame of sim.frames({ from: at(T0, -600), to: T0 })) if (frame.pods.length > 0) return frame;
  throw new Error('no frame');
}

describe(HeapsterWriter.name, () => {
  it('should build series keys with Point: sorted tags, escaped, empty values left out', () => {
    expect(seriesKey('cpu/usage_rate', { type: 'pod', labels: 'app:web,tier:a b', empty: '', namespace_name: 'x=y' })).toBe(
      'cpu/usage_rate,labels=app:web\\,tier:a\\ b,namespace_name=x\\=y,type=pod',
    );
  });

  it('should know every catalog metric at every level the catalog gives', () => {
    expect(() => new HeapsterWriter({ metrics: METRIC_CATALOG.map((m) => m.name) })).not.toThrow();
  });

  it('should refuse metrics it does not know', () => {
    expect(() => new HeapsterWriter({ metrics: ['cpu/usage_rate', 'cpu/nonsense'] })).toThrow(/cpu\/nonsense/);
  });

  it('should write cpu/usage in nanoseconds exactly, even beyond 2^53', () => {
    const frame = firstFrame();
    const pod = frame.pods[0];
    const container = { ...pod.containers[0], cpuUsageMillicoreSeconds: 2 ** 53 + 2 };
    const out: string[] = [];
    new HeapsterWriter({ metrics: ['cpu/usage'], levels: ['pod_container'] }).writePod({ ...pod, containers: [container] }, out);
    expect(parseLine(out[0]).fields['value']).toEqual({ type: 'int', value: (2n ** 53n + 2n) * 1_000_000n });
  });

  it('should write only usage and request/limit sums at the ns and cluster levels', () => {
    const frame = firstFrame();
    const out: string[] = [];
    const writer = new HeapsterWriter();
    for (const ns of frame.namespaces) writer.writeNamespace(ns, out);
    if (frame.cluster) writer.writeCluster(frame.cluster, out);
    const measurements = new Set(out.map((l) => parseLine(l).measurement));
    expect([...measurements].sort()).toEqual(['cpu/limit', 'cpu/request', 'cpu/usage_rate', 'memory/limit', 'memory/request', 'memory/usage']);
  });

  it('should write ratios and node capacity as floats and usage as integers', () => {
    const frame = firstFrame();
    const out: string[] = [];
    new HeapsterWriter({ metrics: ['cpu/node_utilization', 'cpu/node_capacity', 'cpu/usage_rate'], levels: ['node'] }).writeNode(frame.nodes[0], out);
    const types = Object.fromEntries(out.map((l) => parseLine(l)).map((l) => [l.measurement, l.fields['value'].type]));
    expect(types).toEqual({ 'cpu/node_utilization': 'float', 'cpu/node_capacity': 'float', 'cpu/usage_rate': 'int' });
  });

  it('should write a pod without a pod series as container series only', () => {
    const frame = firstFrame();
    const pod = frame.pods[0];
    const out: string[] = [];
    new HeapsterWriter({ metrics: ['cpu/usage_rate'] }).writePod({ ...pod, pod: { ...pod.pod, withPodSeries: false } }, out);
    expect(out.map((l) => parseLine(l).tags['type'])).toEqual(pod.containers.map(() => 'pod_container'));
  });
});
