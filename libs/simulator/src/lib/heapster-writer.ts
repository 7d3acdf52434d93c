/**
 * Heapster's InfluxDB sink schema (default, not `withfields`): one measurement per metric, one field
 * `value`, the metric set's labels as tags. Integer fields for most metrics, floats for ratios,
 * per-second rates and node capacity/allocatable. Series keys are built once per entity with
 * `Point` (its escaping) and reused for every sample.
 */
import { Point } from '@influxdata/influxdb-client';

import { HEAPSTER_GPU_METRIC, METRIC_CATALOG, type MetricDefinition, type SeriesLevel } from '@kube-monitoring/contract';

import type { ContainerSpec } from './cluster-model';
import { containerDeviceUuid, deviceMegabytes } from './gpu-devices';
import type { ClusterSample, ContainerSample, FilesystemSample, NamespaceSample, NetworkSample, NodeSample, PodSample, ResourceValues, SysContainerSample } from './samples';
import type { SchemaWriter } from './schema-writer';

// Local bindings: global lookups are slow inside vm contexts (as in Jest), and these run per sample.
const { round } = Math;

export interface HeapsterWriterOptions {
  /** Value of the `cluster_name` tag the sink adds. Default `default`. */
  clusterName?: string;
  /** Metrics to write (catalog names, plus `accelerator/memory_used`). Default: the whole catalog. */
  metrics?: readonly string[];
  /** Levels (`type` tag values) to write. Default: all. */
  levels?: readonly SeriesLevel[];
  /** Also write Heapster's `accelerator/memory_used` (bytes, per GPU device) for GPU containers. Default false. */
  acceleratorMetrics?: boolean;
  /**
   * Also write the extended-resource requests (`nvidia.com/gpu/request`, `nvidia.com/mig-1g.10gb/request`,
   * HAMi's `nvidia.com/gpucores/request`…, integer `value`) at the `pod_container` and `pod` levels
   * (within `levels`), for the containers (pods) that request them. Default: when `metrics` is not given.
   */
  gpuRequests?: boolean;
}

type Value = number | undefined;

/** How to read one metric from each kind of sample; absent = not written at that level. */
interface Extractors {
  pod_container?: (s: ContainerSample) => Value;
  pod?: (s: PodSample) => Value;
  node?: (s: NodeSample) => Value;
  sys_container?: (s: SysContainerSample) => Value;
  ns?: (s: NamespaceSample) => Value;
  cluster?: (s: ClusterSample) => Value;
}

interface MetricPlan {
  index: number;
  name: string;
  /** Field type: float (`1.5`) or integer (`2i`); `nanos`: an integer given in millicore-seconds. */
  format: 'int' | 'float' | 'nanos';
  /** Extra tag for filesystem metrics: the `resource_id` Heapster sets on labeled metrics. */
  filesystem: boolean;
  levels: Set<SeriesLevel>;
  read: Extractors;
}

const fs = (pick: (f: FilesystemSample) => number): Extractors => ({
  pod_container: (s) => pick(s.rootfs),
  pod: (s) => pick(s.volume),
  node: (s) => pick(s.rootfs),
});

/**
 * One value read the same way at several levels (the samples of those levels all carry it);
 * the type parameter is what those samples have in common.
 */
function atLevels<S>(levels: readonly (keyof Extractors)[], read: (s: S) => Value): Extractors {
  return Object.fromEntries(levels.map((level) => [level, read]));
}

// Heapster's levels by what they carry: resource values, aggregates (namespace, cluster), both.
const WORKLOADS = ['pod_container', 'pod', 'node'] as const;
const WORKLOADS_AND_SYSTEM = [...WORKLOADS, 'sys_container'] as const;
const WORKLOADS_AND_AGGREGATES = [...WORKLOADS, 'ns', 'cluster'] as const;
const EVERY_LEVEL = [...WORKLOADS_AND_SYSTEM, 'ns', 'cluster'] as const;

type Resource = ResourceValues;
type Aggregate = ResourceValues | NamespaceSample | ClusterSample;
type WithUptime = ContainerSample | PodSample | NodeSample;
type WithNetwork = PodSample | NodeSample;

const net = (pick: (n: NetworkSample) => number): Extractors => atLevels<WithNetwork>(['pod', 'node'], (s) => pick(s.network));

/** Every metric of the catalog, read from the samples. */
const EXTRACTORS: Record<string, Extractors> = {
  'cpu/limit': atLevels<Aggregate>(WORKLOADS_AND_AGGREGATES, (s) => s.cpuLimitMillicores),
  'cpu/request': atLevels<Aggregate>(WORKLOADS_AND_AGGREGATES, (s) => s.cpuRequestMillicores),
  'cpu/node_capacity': { node: (s) => s.cpuCapacityMillicores },
  'cpu/node_allocatable': { node: (s) => s.cpuAllocatableMillicores },
  'cpu/node_reservation': { node: (s) => s.cpuRequestMillicores / s.cpuAllocatableMillicores },
  'cpu/node_utilization': { node: (s) => s.cpuMillicores / s.cpuAllocatableMillicores },
  'cpu/usage': atLevels<Resource>(WORKLOADS_AND_SYSTEM, (s) => s.cpuUsageMillicoreSeconds),
  'cpu/usage_rate': atLevels<Aggregate>(EVERY_LEVEL, (s) => s.cpuMillicores),
  'filesystem/usage': fs((f) => f.usageBytes),
  'filesystem/limit': fs((f) => f.capacityBytes),
  'filesystem/available': fs((f) => f.availableBytes),
  'filesystem/inodes': fs((f) => f.inodes),
  'filesystem/inodes_free': fs((f) => f.inodesFree),
  'gpu/usage': atLevels<Resource>(WORKLOADS, (s) => s.gpuMegabytes),
  'memory/limit': atLevels<Aggregate>(WORKLOADS_AND_AGGREGATES, (s) => s.memoryLimitBytes),
  'memory/request': atLevels<Aggregate>(WORKLOADS_AND_AGGREGATES, (s) => s.memoryRequestBytes),
  'memory/major_page_faults': atLevels<Resource>(WORKLOADS, (s) => s.majorPageFaults),
  'memory/major_page_faults_rate': atLevels<Resource>(WORKLOADS, (s) => s.majorPageFaultsRate),
  'memory/page_faults': atLevels<Resource>(WORKLOADS, (s) => s.pageFaults),
  'memory/page_faults_rate': atLevels<Resource>(WORKLOADS, (s) => s.pageFaultsRate),
  'memory/node_capacity': { node: (s) => s.memoryCapacityBytes },
  'memory/node_allocatable': { node: (s) => s.memoryAllocatableBytes },
  'memory/node_reservation': { node: (s) => s.memoryRequestBytes / s.memoryAllocatableBytes },
  'memory/node_utilization': { node: (s) => s.memoryBytes / s.memoryAllocatableBytes },
  'memory/usage': atLevels<Aggregate>(EVERY_LEVEL, (s) => s.memoryBytes),
  'memory/cache': atLevels<Resource>(WORKLOADS_AND_SYSTEM, (s) => s.cacheBytes),
  'memory/rss': atLevels<Resource>(WORKLOADS_AND_SYSTEM, (s) => s.rssBytes),
  'memory/working_set': atLevels<Resource>(WORKLOADS_AND_SYSTEM, (s) => s.workingSetBytes),
  'network/rx': net((n) => n.rxBytes),
  'network/rx_errors': net((n) => n.rxErrors),
  'network/rx_errors_rate': net((n) => n.rxErrorsRate),
  'network/rx_rate': net((n) => n.rxBytesRate),
  'network/tx': net((n) => n.txBytes),
  'network/tx_errors': net((n) => n.txErrors),
  'network/tx_errors_rate': net((n) => n.txErrorsRate),
  'network/tx_rate': net((n) => n.txBytesRate),
  uptime: atLevels<WithUptime>(WORKLOADS, (s) => s.uptimeMs),
};

/** Heapster writes ratios, per-second rates and node capacity/allocatable as floats. */
function isFloat(metric: MetricDefinition): boolean {
  return metric.unit === 'ratio' || metric.unit === 'per_second' || metric.unit === 'bytes_per_second' || /\/node_(capacity|allocatable)$/.test(metric.name);
}

function planFor(metric: MetricDefinition, index: number): MetricPlan {
  const read = EXTRACTORS[metric.name];
  const missing = metric.levels.filter((level) => !read?.[level]);
  if (!read || missing.length > 0) {
    throw new Error(`the Heapster writer cannot produce ${metric.name} at level(s) ${missing.join(', ') || 'any'}`);
  }
  return {
    index,
    name: metric.name,
    format: metric.name === 'cpu/usage' ? 'nanos' : isFloat(metric) ? 'float' : 'int',
    filesystem: metric.name.startsWith('filesystem/'),
    levels: new Set(metric.levels),
    read,
  };
}

const ALL_PLANS: readonly MetricPlan[] = METRIC_CATALOG.map(planFor);

function formatValue(plan: MetricPlan, value: number): string {
  switch (plan.format) {
    case 'float':
      return String(value);
    case 'nanos':
      // millicore-seconds × 1e6 = nanoseconds; appending zeros keeps it exact beyond 2^53.
      return value === 0 ? '0i' : `${round(value)}000000i`;
    default:
      return `${round(value)}i`;
  }
}

type Tags = Record<string, string>;

/** Cached series keys of one entity, one per metric (and per filesystem resource). */
class KeyCache {
  private readonly keys: string[] = [];

  constructor(readonly tags: Tags) {}

  key(plan: MetricPlan, resourceId: string | undefined): string {
    let key = this.keys[plan.index];
    if (key === undefined) {
      const tags = plan.filesystem && resourceId !== undefined ? { ...this.tags, resource_id: resourceId } : this.tags;
      key = seriesKey(plan.name, tags);
      this.keys[plan.index] = key;
    }
    return key;
  }
}

/** `measurement,tag=value,…` as Point writes it (sorted, escaped, empty tags left out). */
export function seriesKey(measurement: string, tags: Tags): string {
  const point = new Point(measurement);
  for (const [name, value] of Object.entries(tags)) point.tag(name, value);
  const line = point.intField('value', 0).toLineProtocol({ convertTime: () => undefined });
  if (line === undefined) throw new Error(`cannot build a series key for ${measurement}`);
  return line.slice(0, -' value=0i'.length);
}

export class HeapsterWriter implements SchemaWriter {
  readonly schema = 'heapster';
  readonly precision = 's' as const;
  readonly writesNodes: boolean;
  private readonly clusterName: string;
  private readonly plans: Record<SeriesLevel, MetricPlan[]>;
  private readonly accelerator: boolean;
  private readonly containerKeys = new WeakMap<object, KeyCache>();
  private readonly podKeys = new WeakMap<object, KeyCache>();
  private readonly nodeKeys = new WeakMap<object, KeyCache>();
  private readonly sysKeys = new WeakMap<object, KeyCache>();
  private readonly acceleratorKeys = new WeakMap<object, string[]>();
  private readonly gpuRequests: { container: boolean; pod: boolean };
  /** `<resource>/request` series keys per container spec or pod spec, by resource. */
  private readonly requestKeys = new WeakMap<object, Map<string, string>>();
  private readonly podRequestSums = new WeakMap<object, Record<string, number> | null>();
  private readonly namespaceKeys = new Map<string, KeyCache>();
  private readonly clusterKeys: KeyCache;

  constructor(options: HeapsterWriterOptions = {}) {
    this.clusterName = options.clusterName ?? 'default';
    const wanted = options.metrics ? new Set(options.metrics) : undefined;
    if (wanted) {
      const known = new Set([...ALL_PLANS.map((p) => p.name), HEAPSTER_GPU_METRIC]);
      const unknown = [...wanted].filter((m) => !known.has(m));
      if (unknown.length > 0) throw new Error(`unknown metric(s) for the Heapster writer: ${unknown.join(', ')}`);
    }
    const levels = new Set<SeriesLevel>(options.levels ?? ['pod_container', 'pod', 'ns', 'node', 'sys_container', 'cluster']);
    const chosen = ALL_PLANS.filter((p) => !wanted || wanted.has(p.name));
    const at = (level: SeriesLevel) => (levels.has(level) ? chosen.filter((p) => p.levels.has(level)) : []);
    this.plans = {
      pod_container: at('pod_container'),
      pod: at('pod'),
      ns: at('ns'),
      node: at('node'),
      sys_container: at('sys_container'),
      cluster: at('cluster'),
    };
    this.accelerator = levels.has('pod_container') && (options.acceleratorMetrics ?? false) && (!wanted || wanted.has(HEAPSTER_GPU_METRIC));
    const gpuRequests = options.gpuRequests ?? !wanted;
    this.gpuRequests = { container: gpuRequests && levels.has('pod_container'), pod: gpuRequests && levels.has('pod') };
    this.writesNodes = this.plans.node.length > 0 || this.plans.sys_container.length > 0;
    this.clusterKeys = new KeyCache({ type: 'cluster', cluster_name: this.clusterName });
  }

  writePod(sample: PodSample, out: string[]): void {
    const pod = sample.pod;
    const ts = ` ${sample.time}`;
    for (const container of sample.containers) {
      let keys = this.containerKeys.get(container.spec);
      if (!keys) {
        keys = new KeyCache({
          type: 'pod_container',
          namespace_name: pod.namespace,
          pod_name: pod.name,
          container_name: container.spec.name,
          container_base_image: container.spec.image,
          nodename: pod.node.name,
          labels: pod.labels,
          cluster_name: this.clusterName,
        });
        this.containerKeys.set(container.spec, keys);
      }
      emit(this.plans.pod_container, 'pod_container', container, keys, '/', ts, out);
      if (this.accelerator) this.writeAccelerators(sample, container, ts, out);
      if (this.gpuRequests.container && container.spec.extendedRequests) {
        this.writeRequests(container.spec, container.spec.extendedRequests, keys.tags, ts, out);
      }
    }
    if (!pod.withPodSeries) return;
    let keys = this.podKeys.get(pod);
    if (!keys) {
      keys = new KeyCache({
        type: 'pod',
        namespace_name: pod.namespace,
        pod_name: pod.name,
        nodename: pod.node.name,
        labels: pod.labels,
        cluster_name: this.clusterName,
      });
      this.podKeys.set(pod, keys);
    }
    emit(this.plans.pod, 'pod', sample, keys, sample.volume.name, ts, out);
    if (this.gpuRequests.pod) {
      // The pod's figure is its containers' sum (Heapster's pod aggregator), where any requests it.
      let sums = this.podRequestSums.get(pod);
      if (sums === undefined) {
        sums = podRequests(pod.containers) ?? null;
        this.podRequestSums.set(pod, sums);
      }
      if (sums) this.writeRequests(pod, sums, keys.tags, ts, out);
    }
  }

  /** `<resource>/request` lines, one per requested resource, with the tags of the entity's `cpu/request`. */
  private writeRequests(entity: object, requests: Readonly<Record<string, number>>, tags: Tags, ts: string, out: string[]): void {
    let keys = this.requestKeys.get(entity);
    if (!keys) {
      keys = new Map();
      this.requestKeys.set(entity, keys);
    }
    for (const [resource, quantity] of Object.entries(requests)) {
      let key = keys.get(resource);
      if (key === undefined) {
        key = seriesKey(`${resource}/request`, tags);
        keys.set(resource, key);
      }
      out.push(`${key} value=${round(quantity)}i${ts}`);
    }
  }

  writeNode(sample: NodeSample, out: string[]): void {
    const node = sample.node;
    const ts = ` ${sample.time}`;
    let keys = this.nodeKeys.get(node);
    if (!keys) {
      keys = new KeyCache({ type: 'node', nodename: node.name, labels: node.labels, cluster_name: this.clusterName });
      this.nodeKeys.set(node, keys);
    }
    emit(this.plans.node, 'node', sample, keys, '/', ts, out);
    for (const sys of sample.sysContainers) {
      let sysKeys = this.sysKeys.get(sys.spec);
      if (!sysKeys) {
        sysKeys = new KeyCache({
          type: 'sys_container',
          container_name: sys.spec.name,
          nodename: node.name,
          cluster_name: this.clusterName,
        });
        this.sysKeys.set(sys.spec, sysKeys);
      }
      emit(this.plans.sys_container, 'sys_container', sys, sysKeys, undefined, ts, out);
    }
  }

  writeNamespace(sample: NamespaceSample, out: string[]): void {
    let keys = this.namespaceKeys.get(sample.namespace);
    if (!keys) {
      keys = new KeyCache({ type: 'ns', namespace_name: sample.namespace, cluster_name: this.clusterName });
      this.namespaceKeys.set(sample.namespace, keys);
    }
    emit(this.plans.ns, 'ns', sample, keys, undefined, ` ${sample.time}`, out);
  }

  writeCluster(sample: ClusterSample, out: string[]): void {
    emit(this.plans.cluster, 'cluster', sample, this.clusterKeys, undefined, ` ${sample.time}`, out);
  }

  /** One `accelerator/memory_used` series per GPU device, in bytes; the MB are split exactly. */
  private writeAccelerators(sample: PodSample, container: ContainerSample, ts: string, out: string[]): void {
    const gpu = container.spec.gpu;
    if (!gpu || container.gpuMegabytes === undefined) return;
    let keys = this.acceleratorKeys.get(container.spec);
    if (!keys) {
      const pod = sample.pod;
      keys = Array.from({ length: gpu.devices }, (_, device) =>
        seriesKey(HEAPSTER_GPU_METRIC, {
          type: 'pod_container',
          namespace_name: pod.namespace,
          pod_name: pod.name,
          container_name: container.spec.name,
          container_base_image: container.spec.image,
          nodename: pod.node.name,
          labels: pod.labels,
          cluster_name: this.clusterName,
          accelerator_id: containerDeviceUuid(container.spec.id, device, gpu.placement),
          make: gpu.make,
          model: gpu.model,
        }),
      );
      this.acceleratorKeys.set(container.spec, keys);
    }
    const total = container.gpuMegabytes;
    keys.forEach((key, device) => {
      const megabytes = deviceMegabytes(total, gpu.devices, device);
      out.push(`${key} value=${megabytes === 0 ? 0 : `${megabytes}000000`}i${ts}`);
    });
  }
}

/** Extended-resource requests of a pod: its containers' summed, undefined when none requests any. */
function podRequests(containers: readonly ContainerSpec[]): Record<string, number> | undefined {
  let sums: Record<string, number> | undefined;
  for (const c of containers) {
    if (!c.extendedRequests) continue;
    sums ??= {};
    for (const [resource, quantity] of Object.entries(c.extendedRequests)) sums[resource] = (sums[resource] ?? 0) + quantity;
  }
  return sums;
}

function emit<T>(plans: readonly MetricPlan[], level: SeriesLevel, sample: T, keys: KeyCache, resourceId: string | undefined, ts: string, out: string[]): void {
  for (const plan of plans) {
    const read = plan.read[level] as ((s: T) => Value) | undefined;
    const value = read?.(sample);
    if (value === undefined) continue;
    out.push(`${keys.key(plan, resourceId)} value=${formatValue(plan, value)}${ts}`);
  }
}
