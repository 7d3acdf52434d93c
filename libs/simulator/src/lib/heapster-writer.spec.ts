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

  it('should write GPU requests as <resource>/request at container and pod level, only where requested, with the tags of cpu/request', () => {
    const frame = firstFrame();
    const out: string[] = [];
    const writer = new HeapsterWriter();
    for (const pod of frame.pods) writer.writePod(pod, out);
    const lines = out.map(parseLine);
    const cpuRequest = new Map(lines.filter((l) => l.measurement === 'cpu/request').map((l) => [`${l.tags['type']} ${l.tags['pod_name']} ${l.tags['container_name']}`, l.tags]));
    const requests = lines.filter((l) => l.measurement.endsWith('/request') && l.measurement.startsWith('nvidia.com/'));
    const expected = new Map<string, bigint>();
    for (const pod of frame.pods) {
      for (const c of pod.containers) {
        for (const [resource, q] of Object.entries(c.spec.extendedRequests ?? {})) {
          expected.set(`${resource}/request pod_container ${pod.pod.name} ${c.spec.name}`, BigInt(q));
          const podKey = `${resource}/request pod ${pod.pod.name} undefined`;
          expected.set(podKey, (expected.get(podKey) ?? 0n) + BigInt(q));
        }
      }
    }
    const written = new Map(
      requests.map((l) => [`${l.measurement} ${l.tags['type']} ${l.tags['pod_name']} ${l.tags['container_name']}`, (l.fields['value'] as { value: bigint }).value]),
    );
    expect(written).toEqual(expected);
    for (const l of requests) expect(l.tags).toEqual(cpuRequest.get(`${l.tags['type']} ${l.tags['pod_name']} ${l.tags['container_name']}`));
    const measurements = new Set(requests.map((l) => l.measurement));
    for (const m of ['nvidia.com/gpu/request', 'nvidia.com/gpucores/request', 'nvidia.com/gpumem-percentage/request', 'nvidia.com/mig-1g.10gb/request'])
      expect(measurements).toContain(m);
    // Not with a chosen metric list, unless asked.
    const few: string[] = [];
    new HeapsterWriter({ metrics: ['cpu/request'] }).writePod(frame.pods[0], few);
    expect(few.some((l) => l.startsWith('nvidia.com/'))).toBe(false);
  });

  it("should label GPU nodes with GPU Feature Discovery's count, product and MIG strategy", () => {
    const frame = firstFrame();
    const labels = Object.fromEntries(frame.nodes.map((n) => [n.node.name, n.node.labels.split(',')]));
    expect(labels['gpu-node-1']).toEqual(expect.arrayContaining(['nvidia.com/gpu.count:4', 'nvidia.com/gpu.product:NVIDIA-A100-SXM4-40GB']));
    expect(labels['gpu-mig-node-1']).toEqual(expect.arrayContaining(['nvidia.com/gpu.count:1', 'nvidia.com/gpu.product:NVIDIA-A100-SXM4-80GB', 'nvidia.com/mig.strategy:mixed']));
    expect(labels['gpu-shared-node-1']).toEqual(expect.arrayContaining(['nvidia.com/gpu.count:2', 'nvidia.com/gpu.product:NVIDIA-H100-80GB-HBM3']));
    expect(labels['node-1'].some((l) => l.startsWith('nvidia.com/'))).toBe(false);
    const out: string[] = [];
    new HeapsterWriter({ metrics: ['cpu/node_allocatable'], levels: ['node'] }).writeNode(frame.nodes.find((n) => n.node.name === 'gpu-mig-node-1') ?? frame.nodes[0], out);
    expect(parseLine(out[0]).tags['labels']).toContain('nvidia.com/mig.strategy:mixed');
  });

  it('should write a pod without a pod series as container series only', () => {
    const frame = firstFrame();
    const pod = frame.pods[0];
    const out: string[] = [];
    new HeapsterWriter({ metrics: ['cpu/usage_rate'] }).writePod({ ...pod, pod: { ...pod.pod, withPodSeries: false } }, out);
    expect(out.map((l) => parseLine(l).tags['type'])).toEqual(pod.containers.map(() => 'pod_container'));
  });
});
