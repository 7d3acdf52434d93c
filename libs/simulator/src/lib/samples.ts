/**
 * What one scrape observes, independent of how it is stored. Schema writers (Heapster today,
 * Telegraf/DCGM later) turn these into line protocol; the cluster model never sees a schema.
 *
 * Gauges are window averages (see README: "Accounting semantics"); counters are cumulative since the
 * start of the pod's life (or the node's boot); `*Rate` fields are per-second averages over the window.
 */
import type { ContainerSpec, NodeSpec, PodSpec } from './cluster-model';

export interface FilesystemSample {
  usageBytes: number;
  capacityBytes: number;
  availableBytes: number;
  inodes: number;
  inodesFree: number;
}

export interface NetworkSample {
  rxBytes: number;
  txBytes: number;
  rxErrors: number;
  txErrors: number;
  rxBytesRate: number;
  txBytesRate: number;
  rxErrorsRate: number;
  txErrorsRate: number;
}

export interface CounterIncrements {
  cpuMillicoreSeconds: number;
  pageFaults: number;
  majorPageFaults: number;
  rxBytes: number;
  txBytes: number;
  rxErrors: number;
  txErrors: number;
}

/** Values shared by containers, pods, system containers and nodes. */
export interface ResourceValues {
  /** Window average, whole millicores. */
  cpuMillicores: number;
  /** Cumulative CPU time in millicore-seconds (× 1e6 = nanoseconds). */
  cpuUsageMillicoreSeconds: number;
  /** Window averages, whole bytes. */
  memoryBytes: number;
  workingSetBytes: number;
  rssBytes: number;
  cacheBytes: number;
  /** Cumulative counts. */
  pageFaults: number;
  majorPageFaults: number;
  /** Per second over the scrape window. */
  pageFaultsRate: number;
  majorPageFaultsRate: number;
  /** Window average of GPU memory in MB; undefined when there is no GPU. */
  gpuMegabytes: number | undefined;
  cpuRequestMillicores: number;
  cpuLimitMillicores: number;
  memoryRequestBytes: number;
  memoryLimitBytes: number;
}

export interface ContainerSample extends ResourceValues {
  spec: ContainerSpec;
  rootfs: FilesystemSample;
  uptimeMs: number;
}

export interface PodSample extends ResourceValues {
  kind: 'pod';
  /** Scrape index and time (epoch seconds). */
  index: number;
  time: number;
  pod: PodSpec;
  lifeId: string;
  containers: ContainerSample[];
  network: NetworkSample;
  /** What the pod's counters grew by over this scrape window (nodes add these up). */
  increments: CounterIncrements;
  volume: FilesystemSample & { name: string };
  uptimeMs: number;
  /** Seconds this sample accounts for: t_k − t_{k−1}, or one step for the first sample of a life. */
  windowSeconds: number;
  /** Lost scrape: not written (adversarial). */
  missing: boolean;
  /** Written in a later batch (adversarial). */
  late: boolean;
}

export interface SysContainerSample extends ResourceValues {
  spec: ContainerSpec;
}

export interface NodeSample extends ResourceValues {
  kind: 'node';
  index: number;
  time: number;
  node: NodeSpec;
  sysContainers: SysContainerSample[];
  network: NetworkSample;
  rootfs: FilesystemSample;
  uptimeMs: number;
  cpuCapacityMillicores: number;
  cpuAllocatableMillicores: number;
  memoryCapacityBytes: number;
  memoryAllocatableBytes: number;
  missing: boolean;
  late: boolean;
}

/** Heapster's ns and cluster levels: only usage and request/limit sums. */
export interface AggregateValues {
  cpuMillicores: number;
  memoryBytes: number;
  cpuRequestMillicores: number;
  cpuLimitMillicores: number;
  memoryRequestBytes: number;
  memoryLimitBytes: number;
  /** Pods summed. */
  pods: number;
}

export interface NamespaceSample extends AggregateValues {
  kind: 'ns';
  index: number;
  time: number;
  namespace: string;
}

export interface ClusterSample extends AggregateValues {
  kind: 'cluster';
  index: number;
  time: number;
}

/** Everything observed at one scrape time. */
export interface ScrapeFrame {
  index: number;
  time: number;
  pods: PodSample[];
  nodes: NodeSample[];
  namespaces: NamespaceSample[];
  cluster: ClusterSample | undefined;
}

export function emptyAggregate(): AggregateValues {
  return {
    cpuMillicores: 0,
    memoryBytes: 0,
    cpuRequestMillicores: 0,
    cpuLimitMillicores: 0,
    memoryRequestBytes: 0,
    memoryLimitBytes: 0,
    pods: 0,
  };
}

export function addToAggregate(target: AggregateValues, pod: ResourceValues): void {
  target.cpuMillicores += pod.cpuMillicores;
  target.memoryBytes += pod.memoryBytes;
  target.cpuRequestMillicores += pod.cpuRequestMillicores;
  target.cpuLimitMillicores += pod.cpuLimitMillicores;
  target.memoryRequestBytes += pod.memoryRequestBytes;
  target.memoryLimitBytes += pod.memoryLimitBytes;
  target.pods += 1;
}
