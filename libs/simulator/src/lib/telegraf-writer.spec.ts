import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { at, hours, STEP, T0 } from '../testing/spec-helpers';
import { ClusterSimulator } from './cluster-simulator';
import { HeapsterWriter } from './heapster-writer';
import { parseLine, type ParsedLine } from './line-protocol';
import { prometheusToTelegrafV1 } from './prometheus-v1';
import type { ScrapeFrame } from './samples';
import type { SchemaWriter } from './schema-writer';
import { labelFilter, MEGABYTES_PER_MEBIBYTE, splitImage, TELEGRAF_MEASUREMENTS, TelegrafWriter } from './telegraf-writer';

const FIXTURES = join(__dirname, '../fixtures');

/** The documentation's example lines (comments left out), parsed. */
function documented(): ParsedLine[] {
  return readFileSync(join(FIXTURES, 'telegraf-documentation.lp'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map(parseLine);
}

function frameWithGpu(): ScrapeFrame {
  const sim = new ClusterSimulator({ profile: 'tiny', seed: 3 });
  for (const frame of sim.frames({ from: at(T0, hours(10)), to: at(T0, hours(16)) })) {
    if (frame.pods.some((p) => p.gpuMegabytes !== undefined && p.gpuMegabytes > 0)) return frame;
  }
  throw new Error('no frame with a GPU pod');
}

function linesOf(frame: ScrapeFrame, writer: SchemaWriter = new TelegrafWriter()): ParsedLine[] {
  const out: string[] = [];
  for (const pod of frame.pods) writer.writePod(pod, out);
  for (const node of frame.nodes) writer.writeNode(node, out);
  for (const ns of frame.namespaces) writer.writeNamespace(ns, out);
  if (frame.cluster) writer.writeCluster(frame.cluster, out);
  return out.map(parseLine);
}

const keys = (o: object) => Object.keys(o).sort();
const isUsage = (l: ParsedLine) => l.measurement === TELEGRAF_MEASUREMENTS.podContainer && 'cpu_usage_nanocores' in l.fields;
const isInventory = (l: ParsedLine) => l.measurement === TELEGRAF_MEASUREMENTS.podContainer && !('cpu_usage_nanocores' in l.fields);

describe(TelegrafWriter.name, () => {
  const frame = frameWithGpu();
  const lines = linesOf(frame);
  const docs = documented();
  const doc = (measurement: string) => {
    const line = docs.find((l) => l.measurement === measurement);
    if (!line) throw new Error(`no documented line for ${measurement}`);
    return line;
  };

  it('should write the fields of the plugin documentation, all integers, with its tags plus host, image and version', () => {
    for (const [measurement, pick] of [
      [TELEGRAF_MEASUREMENTS.podContainer, isUsage],
      [TELEGRAF_MEASUREMENTS.podNetwork, (l: ParsedLine) => l.measurement === TELEGRAF_MEASUREMENTS.podNetwork],
    ] as const) {
      const expected = doc(measurement);
      const written = lines.filter(pick);
      expect(written.length).toBeGreaterThan(0);
      for (const line of written) {
        expect([measurement, keys(line.fields)]).toEqual([measurement, keys(expected.fields)]);
        expect(Object.values(line.fields).every((f) => f.type === 'int')).toBe(true);
        const extra = keys(line.tags).filter((t) => !(t in expected.tags));
        expect(keys(expected.tags).every((t) => t in line.tags)).toBe(true);
        expect(extra.every((t) => ['host', 'image', 'version'].includes(t))).toBe(true);
      }
    }
  });

  it('should write every inputs.kubernetes node field of the plugin, tagged node_name and host', () => {
    const nodes = lines.filter((l) => l.measurement === TELEGRAF_MEASUREMENTS.node && 'cpu_usage_nanocores' in l.fields);
    expect(nodes).toHaveLength(frame.nodes.length);
    for (const line of nodes) {
      expect(keys(line.tags)).toEqual(['host', 'node_name']);
      expect(keys(line.fields)).toEqual(
        [
          'cpu_usage_nanocores',
          'cpu_usage_core_nanoseconds',
          'memory_available_bytes',
          'memory_usage_bytes',
          'memory_working_set_bytes',
          'memory_rss_bytes',
          'memory_page_faults',
          'memory_major_page_faults',
          'network_rx_bytes',
          'network_rx_errors',
          'network_tx_bytes',
          'network_tx_errors',
          'fs_available_bytes',
          'fs_capacity_bytes',
          'fs_used_bytes',
          'runtime_image_fs_available_bytes',
          'runtime_image_fs_capacity_bytes',
          'runtime_image_fs_used_bytes',
        ].sort(),
      );
    }
  });

  it("should write kube_inventory's allocatable and capacity per node as its own points, tagged version", () => {
    const inventory = lines.filter((l) => l.measurement === TELEGRAF_MEASUREMENTS.node && !('cpu_usage_nanocores' in l.fields));
    expect(inventory).toHaveLength(frame.nodes.length);
    for (const node of frame.nodes) {
      const line = inventory.find((l) => l.tags['node_name'] === node.node.name);
      expect(line?.tags).toEqual({ host: node.node.name, node_name: node.node.name, version: 'v1.29.2' });
      expect(line?.fields).toEqual({
        allocatable_cpu_cores: { type: 'int', value: BigInt(Math.floor(node.cpuAllocatableMillicores / 1000)) },
        allocatable_millicpu_cores: { type: 'int', value: BigInt(node.cpuAllocatableMillicores) },
        allocatable_memory_bytes: { type: 'int', value: BigInt(node.memoryAllocatableBytes) },
        capacity_cpu_cores: { type: 'int', value: BigInt(node.cpuCapacityMillicores / 1000) },
        capacity_millicpu_cores: { type: 'int', value: BigInt(node.cpuCapacityMillicores) },
        capacity_memory_bytes: { type: 'int', value: BigInt(node.memoryCapacityBytes) },
      });
    }
    // The documented line has the same fields (and more the deploy config leaves out).
    const documentedNode = docs.find((l) => l.measurement === TELEGRAF_MEASUREMENTS.node && 'allocatable_millicpu_cores' in l.fields);
    expect(keys(inventory[0].fields).every((f) => documentedNode !== undefined && f in documentedNode.fields)).toBe(true);
  });

  it("should write kube-state-metrics' GPU requests per container, sanitised, only for the containers requesting them", () => {
    const requests = lines.filter((l) => l.measurement === TELEGRAF_MEASUREMENTS.podResourceRequests);
    const expected = frame.pods.flatMap((p) =>
      p.containers.flatMap((c) =>
        Object.entries(c.spec.extendedRequests ?? {}).map(([resource, value]) => ({
          measurement: TELEGRAF_MEASUREMENTS.podResourceRequests,
          tags: {
            container: c.spec.name,
            host: 'node-1',
            namespace: p.pod.namespace,
            node: p.pod.node.name,
            pod: p.pod.name,
            resource: resource.replace(/[./-]/g, '_'),
            unit: 'integer',
          },
          fields: { gauge: { type: 'float', value } },
          timestamp: BigInt(frame.time),
        })),
      ),
    );
    expect(requests).toEqual(expected);
    const resources = new Set(requests.map((l) => l.tags['resource']));
    for (const r of ['nvidia_com_gpu', 'nvidia_com_gpucores', 'nvidia_com_gpumem_percentage', 'nvidia_com_mig_1g_10gb']) expect(resources).toContain(r);
    expect(linesOf(frame, new TelegrafWriter({ inventory: false })).some((l) => l.measurement.startsWith('kube_'))).toBe(false);
  });

  it("should write kube-state-metrics' GPU allocatable and GPU Feature Discovery labels per GPU node", () => {
    const allocatable = lines.filter((l) => l.measurement === TELEGRAF_MEASUREMENTS.nodeAllocatable);
    const of = (node: string) => Object.fromEntries(allocatable.filter((l) => l.tags['node'] === node).map((l) => [l.tags['resource'], l.fields['gauge']]));
    expect(of('gpu-node-1')).toEqual({ nvidia_com_gpu: { type: 'float', value: 4 } });
    expect(of('gpu-mig-node-1')).toEqual({ nvidia_com_mig_1g_10gb: { type: 'float', value: 4 }, nvidia_com_mig_3g_40gb: { type: 'float', value: 1 } });
    // HAMi: deviceSplitCount (10) vGPU slots per physical GPU.
    expect(of('gpu-shared-node-1')).toEqual({ nvidia_com_gpu: { type: 'float', value: 20 } });
    expect(of('node-1')).toEqual({});
    expect(allocatable.every((l) => l.tags['unit'] === 'integer' && l.tags['host'] === 'node-1')).toBe(true);
    const labels = Object.fromEntries(lines.filter((l) => l.measurement === TELEGRAF_MEASUREMENTS.nodeLabels).map((l) => [l.tags['node'], l]));
    expect(Object.keys(labels).sort()).toEqual(['gpu-mig-node-1', 'gpu-node-1', 'gpu-shared-node-1']);
    expect(labels['gpu-mig-node-1']).toMatchObject({
      tags: { label_nvidia_com_gpu_count: '1', label_nvidia_com_gpu_product: 'NVIDIA-A100-SXM4-80GB', label_nvidia_com_mig_strategy: 'mixed' },
      fields: { gauge: { type: 'float', value: 1 } },
    });
    expect(labels['gpu-shared-node-1'].tags).toEqual({
      host: 'node-1',
      node: 'gpu-shared-node-1',
      label_nvidia_com_gpu_count: '2',
      label_nvidia_com_gpu_product: 'NVIDIA-H100-80GB-HBM3',
    });
    expect(labels['gpu-node-1'].tags['label_nvidia_com_gpu_count']).toBe('4');
  });

  it('should write kube_inventory requests and limits as their own points, with the inventory tags and only set values', () => {
    const inventory = lines.filter(isInventory);
    expect(inventory).toHaveLength(frame.pods.reduce((n, p) => n + p.containers.length, 0));
    for (const line of inventory) {
      for (const tag of ['container_name', 'namespace', 'node_name', 'pod_name', 'phase', 'state', 'readiness', 'image']) expect(line.tags).toHaveProperty(tag);
      const allowed = [
        'restarts_total',
        'state_code',
        'resource_requests_millicpu_units',
        'resource_requests_memory_bytes',
        'resource_limits_millicpu_units',
        'resource_limits_memory_bytes',
      ];
      expect(keys(line.fields).every((f) => allowed.includes(f))).toBe(true);
      expect(Object.values(line.fields).every((f) => f.type === 'int')).toBe(true);
      for (const [name, f] of Object.entries(line.fields)) if (name.startsWith('resource_')) expect(f.value).toBeGreaterThan(0n);
    }
    // A container without a CPU limit (the simulator's 0) has no limit field, as kube_inventory writes it.
    const unset = frame.pods.flatMap((p) => p.containers.map((c) => ({ p, c }))).find(({ c }) => c.cpuLimitMillicores === 0);
    if (unset) {
      const line = inventory.find((l) => l.tags['pod_name'] === unset.p.pod.name && l.tags['container_name'] === unset.c.spec.name);
      expect(line?.fields).not.toHaveProperty('resource_limits_millicpu_units');
    }
  });

  it('should write the pod labels label_include/label_exclude keep as tags of the kubelet series only (none by default)', () => {
    const podLines = (l: ParsedLine) => isUsage(l) || l.measurement === TELEGRAF_MEASUREMENTS.podNetwork;
    expect(lines.filter(podLines).some((l) => 'team' in l.tags || 'app' in l.tags)).toBe(false);
    const labelled = linesOf(frame, new TelegrafWriter({ labelExclude: [] }));
    const heapsterLabels = new Map(frame.pods.map((p) => [`${p.pod.namespace}/${p.pod.name}`, p.pod.labels]));
    const written = labelled.filter(podLines);
    expect(written.length).toBeGreaterThan(0);
    for (const line of written) {
      const pod = `${line.tags['namespace']}/${line.tags['pod_name']}`;
      // The simulator's pods are labelled app and team (cluster-builder.ts), Heapster's tag says so.
      expect([pod, `app:${line.tags['app']},team:${line.tags['team']}`]).toEqual([pod, heapsterLabels.get(pod)]);
    }
    // The inventory's points of the same measurement carry none.
    expect(labelled.filter(isInventory).some((l) => 'team' in l.tags)).toBe(false);
    const teamOnly = linesOf(frame, new TelegrafWriter({ labelInclude: ['te?m'], labelExclude: [] })).filter(isUsage);
    expect(teamOnly.every((l) => 'team' in l.tags && !('app' in l.tags))).toBe(true);
    // As Telegraf's filter: the default exclude ["*"] still drops what label_include names.
    expect(linesOf(frame, new TelegrafWriter({ labelInclude: ['team'] })).some((l) => 'team' in l.tags)).toBe(false);
  });

  it('should match label names as Telegraf’s include/exclude filter does, globs and all', () => {
    expect(labelFilter([], ['*'])('team')).toBe(false);
    expect(labelFilter([], [])('team')).toBe(true);
    expect(labelFilter(['app.kubernetes.io/*', 'team'], [])('app.kubernetes.io/name')).toBe(true);
    expect(labelFilter(['app.kubernetes.io/*', 'team'], [])('app')).toBe(false);
    expect(labelFilter([], ['pod-template-*'])('pod-template-hash')).toBe(false);
    expect(labelFilter(['t?am'], [])('t.am')).toBe(true);
    expect(labelFilter(['a.b'], [])('axb')).toBe(false);
  });

  it("should write dcgm-exporter's GPU memory per device with the exporter's labels, as inputs.prometheus v1 stores them", () => {
    const exposition = readFileSync(join(FIXTURES, 'dcgm-exporter-documentation.prom'), 'utf8');
    const [example] = prometheusToTelegrafV1(exposition, { time: 0, tags: { host: 'node-1' } }).map(parseLine);
    // The documented sample has no # TYPE (field `value`) and empty pod labels (left out as tags).
    expect(example).toMatchObject({ measurement: 'DCGM_FI_DEV_SM_CLOCK', tags: { gpu: '0', host: 'node-1' }, fields: { value: { type: 'float', value: 139 } } });
    const gpu = lines.filter((l) => l.measurement === TELEGRAF_MEASUREMENTS.gpuMemoryUsed);
    expect(gpu.length).toBeGreaterThan(0);
    for (const line of gpu) {
      expect(keys(line.fields)).toEqual(['gauge']);
      expect(line.fields['gauge'].type).toBe('float');
      // The documented labels (UUID, gpu, container, namespace, pod) plus the exporter's own and the agent's host; MIG instances their own.
      const mig = line.tags['GPU_I_PROFILE'] !== undefined ? ['GPU_I_ID', 'GPU_I_PROFILE'] : [];
      expect(keys(line.tags)).toEqual([...mig, 'Hostname', 'UUID', 'container', 'gpu', 'host', 'modelName', 'namespace', 'pod']);
      expect(line.tags['UUID']).toMatch(/^GPU-/);
    }
    // MIG: the parent GPU's index and UUID on every instance; HAMi: the shared GPU's UUID on each pod.
    const migLines = gpu.filter((l) => l.tags['host'] === 'gpu-mig-node-1');
    expect(new Set(migLines.map((l) => l.tags['GPU_I_PROFILE']))).toEqual(new Set(['1g.10gb', '3g.40gb']));
    expect(new Set(migLines.map((l) => `${l.tags['gpu']} ${l.tags['UUID']}`)).size).toBe(1);
    expect(new Set(migLines.map((l) => l.tags['GPU_I_ID'])).size).toBe(migLines.length);
    const shared = gpu.filter((l) => l.tags['host'] === 'gpu-shared-node-1' && l.tags['gpu'] === '0');
    expect(shared.length).toBe(4);
    expect(new Set(shared.map((l) => l.tags['UUID'])).size).toBe(1);
    const typed = prometheusToTelegrafV1(`# TYPE DCGM_FI_DEV_FB_USED gauge\nDCGM_FI_DEV_FB_USED{gpu="1",UUID="GPU-1",pod=""} 0`, { time: 60 }).map(parseLine);
    expect(typed).toEqual([{ measurement: 'DCGM_FI_DEV_FB_USED', tags: { UUID: 'GPU-1', gpu: '1' }, fields: { gauge: { type: 'float', value: 0 } }, timestamp: 60n }]);
  });

  it('should carry the same usage as the Heapster schema: nanocores = millicores × 1e6, bytes, MiB ≈ MB ÷ 1.048576', () => {
    const heapster: string[] = [];
    const hw = new HeapsterWriter({ metrics: ['cpu/usage_rate', 'memory/usage', 'gpu/usage'], levels: ['pod'] });
    for (const pod of frame.pods) hw.writePod(pod, heapster);
    const podValue = new Map(
      heapster.map(parseLine).map((l) => [`${l.measurement} ${l.tags['namespace_name']}/${l.tags['pod_name']}`, Number((l.fields['value'] as { value: bigint }).value)]),
    );
    const sums = new Map<string, number>();
    const add = (key: string, v: number) => sums.set(key, (sums.get(key) ?? 0) + v);
    for (const l of lines.filter(isUsage)) {
      const pod = `${l.tags['namespace']}/${l.tags['pod_name']}`;
      add(`cpu/usage_rate ${pod}`, Number((l.fields['cpu_usage_nanocores'] as { value: bigint }).value) / 1e6);
      add(`memory/usage ${pod}`, Number((l.fields['memory_usage_bytes'] as { value: bigint }).value));
    }
    for (const l of lines.filter((x) => x.measurement === TELEGRAF_MEASUREMENTS.gpuMemoryUsed)) {
      add(`gpu/usage ${l.tags['namespace']}/${l.tags['pod']}`, (l.fields['gauge'] as { value: number }).value * MEGABYTES_PER_MEBIBYTE);
    }
    for (const [key, value] of podValue) {
      if (key.startsWith('gpu/usage')) expect(Math.abs((sums.get(key) ?? 0) - value)).toBeLessThanOrEqual(2 * 0.5 * MEGABYTES_PER_MEBIBYTE);
      else expect([key, sums.get(key)]).toEqual([key, value]);
    }
  });

  it('should write no namespace or cluster level, and system containers only when asked, under the kubelet names', () => {
    expect(lines.some((l) => l.measurement === TELEGRAF_MEASUREMENTS.systemContainer)).toBe(false);
    const out: string[] = [];
    const writer: SchemaWriter = new TelegrafWriter({ systemContainers: true });
    for (const ns of frame.namespaces) writer.writeNamespace(ns, out);
    expect(out).toEqual([]);
    writer.writeNode(frame.nodes[0], out);
    const sys = out.map(parseLine).filter((l) => l.measurement === TELEGRAF_MEASUREMENTS.systemContainer);
    expect(sys.map((l) => l.tags['container_name']).sort()).toEqual(['kubelet', 'misc', 'runtime']);
    expect(keys(sys[0].fields)).not.toContain('rootfs_used_bytes');
  });

  it('should split image references like the inventory (a registry port is not a version)', () => {
    expect(splitImage('nginx:1.25.4')).toEqual({ image: 'nginx', version: '1.25.4' });
    expect(splitImage('registry.local:5000/team/app')).toEqual({ image: 'registry.local:5000/team/app', version: undefined });
    expect(splitImage('registry.k8s.io/coredns/coredns:v1.11.1')).toEqual({ image: 'registry.k8s.io/coredns/coredns', version: 'v1.11.1' });
  });

  it('should give the exact truth from the containers summed over (from, to] × step', () => {
    const sim = new ClusterSimulator({ profile: 'tiny', seed: 5 });
    const period = { from: at(T0, hours(11)), to: at(T0, hours(13)) };
    const cpu = new Map<string, number>();
    const memory = new Map<string, number>();
    for (const batch of sim.batches({ from: at(period.from, 1), to: at(period.to, 1), writer: new TelegrafWriter({ gpu: false, inventory: false }) })) {
      for (const text of batch.lines) {
        const l = parseLine(text);
        if (!isUsage(l)) continue;
        const pod = `${l.tags['namespace']}/${l.tags['pod_name']}`;
        cpu.set(pod, (cpu.get(pod) ?? 0) + (Number((l.fields['cpu_usage_nanocores'] as { value: bigint }).value) / 1e6) * STEP);
        memory.set(pod, (memory.get(pod) ?? 0) + Number((l.fields['memory_usage_bytes'] as { value: bigint }).value) * STEP);
      }
    }
    const truth = sim.groundTruth(period);
    expect(truth.pods.length).toBeGreaterThan(5);
    for (const pod of truth.pods) {
      const key = `${pod.namespace_name}/${pod.pod_name}`;
      expect([key, cpu.get(key) ?? 0, memory.get(key) ?? 0]).toEqual([key, pod.cpuMillicoreSeconds, pod.memoryByteSeconds]);
    }
  });
});
