/**
 * The simulated cluster as data: nodes, namespaces, pods and containers with their usage shapes,
 * and the lives of pods ([start, stop) intervals in epoch seconds).
 */

export type WorkloadKind = 'deployment' | 'statefulset' | 'daemonset' | 'batch-job' | 'gpu-job' | 'notebook' | 'system';

/** How a quantity moves: `base` level, day/night swing `daily` (0..1), per-window relative `noise` (0..1). */
export interface UsageShape {
  base: number;
  daily: number;
  noise: number;
}

/**
 * Where one of a container's GPU devices sits when the placement fixes it (the MIG and HAMi nodes):
 * which physical GPU of the node, and on a MIG-partitioned GPU which instance.
 */
export interface GpuDevicePlacement {
  /** Index of the physical GPU on its node (dcgm-exporter's `gpu` label). */
  index: number;
  /** UUID of the physical GPU (dcgm-exporter's `UUID`, for a MIG instance too: its parent's). */
  uuid: string;
  mig?: {
    /** dcgm-exporter's `GPU_I_PROFILE`, e.g. `3g.40gb`. */
    profile: string;
    /** dcgm-exporter's `GPU_I_ID`. */
    instanceId: number;
    /** The MIG device's own UUID (`MIG-…`), as the container sees it. */
    uuid: string;
  };
}

export interface GpuShape {
  /** Number of GPU devices (or MIG instances, or HAMi slices) attached to the container. */
  devices: number;
  /** GPU memory used over all devices, in MB (the site's `gpu/usage` unit). */
  megabytes: UsageShape;
  /** Memory of one device in MB (of a MIG instance, or of the share a HAMi slice gets); usage never exceeds devices × this. */
  deviceMegabytes: number;
  make: string;
  model: string;
  /** One per device when the node fixes it; else each device is the container's own (a UUID drawn from its id). */
  placement?: readonly GpuDevicePlacement[];
}

export interface ContainerSpec {
  /** Stable number identifying the container for the deterministic draws. */
  id: number;
  name: string;
  image: string;
  /** Millicores. */
  cpu: UsageShape;
  /** Bytes; `growthPerHour` adds a slow leak since the start of the life. */
  memory: UsageShape & { growthPerHour: number };
  gpu?: GpuShape;
  requests: { cpuMillicores: number; memoryBytes: number };
  /**
   * Extended-resource requests by Kubernetes name (`nvidia.com/gpu`, `nvidia.com/mig-3g.40gb`,
   * HAMi's `nvidia.com/gpucores`…), only those set. Their limits equal them, as Kubernetes requires.
   */
  extendedRequests?: Readonly<Record<string, number>>;
  /** 0 means unset (Heapster writes 0 then). */
  limits: { cpuMillicores: number; memoryBytes: number };
  /** Seconds a job needs to reach its working level after start; 0 for services. */
  rampSeconds: number;
  /** Page faults per second per core of CPU usage. */
  pageFaultsPerCore: number;
  rootfsBaseBytes: number;
  rootfsGrowthPerHour: number;
}

export interface NetworkShape {
  /** Received bytes per second. */
  rx: UsageShape;
  /** Sent bytes as a share of received bytes. */
  txRatio: number;
  /** Probability per window of one error per second. */
  errorRate: number;
}

export interface NodeSpec {
  id: number;
  name: string;
  /** Heapster `labels` tag value (`key:value` pairs joined by `,`). */
  labels: string;
  cpuCapacityMillicores: number;
  cpuAllocatableMillicores: number;
  memoryCapacityBytes: number;
  memoryAllocatableBytes: number;
  /** Physical GPUs. */
  gpuDevices: number;
  gpuDeviceMegabytes: number;
  gpuModel: string;
  /**
   * Extended resources the node's device plugin advertises (Kubernetes names): `nvidia.com/gpu: 4`
   * for whole GPUs, one count per MIG profile, HAMi's vGPU slots (10 per physical GPU).
   */
  gpuAllocatable: Readonly<Record<string, number>>;
  fsCapacityBytes: number;
  fsBaseUsedBytes: number;
  /** Node counters and uptime restart at every reboot: at bootPhase + n·rebootPeriodSeconds. */
  bootPhaseSeconds: number;
  rebootPeriodSeconds: number;
  /** Heapster's system containers: kubelet, docker-daemon, system. */
  sysContainers: readonly ContainerSpec[];
  /** Host network traffic not attributed to pods. */
  network: NetworkShape;
}

export interface PodSpec {
  /** Stable number for the draws; equal for every life of the same pod. */
  uid: number;
  namespace: string;
  name: string;
  node: NodeSpec;
  kind: WorkloadKind;
  /** Heapster `labels` tag value. */
  labels: string;
  containers: readonly ContainerSpec[];
  network: NetworkShape;
  volume: { name: string; capacityBytes: number; baseUsedBytes: number };
  /** False: only `type=pod_container` series are written for this pod (adversarial datasets). */
  withPodSeries: boolean;
}

/** One life of a pod: it runs over [start, stop) (epoch seconds, not necessarily on the grid). */
export interface PodLife {
  /** Unique over the whole simulation, e.g. `default/postgres-0#g12.1`. */
  id: string;
  pod: PodSpec;
  start: number;
  stop: number;
}

/** Anything that produces pod lives: a deployment, a job stream, a notebook pool… */
export interface Workload {
  readonly namespace: string;
  /** Longest possible life, so a query for [a, b) can start its search at a − maxLifeSeconds. */
  readonly maxLifeSeconds: number;
  /** Appends every life that overlaps (a, b] to `out`. */
  collectLives(a: number, b: number, out: PodLife[]): void;
}

export interface ClusterModel {
  readonly nodes: readonly NodeSpec[];
  /** Every namespace of the cluster, including those without pods at a given time. */
  readonly namespaces: readonly string[];
  readonly workloads: readonly Workload[];
}

/** Lives overlapping the time span (a, b], sorted by start then id. */
export function livesBetween(model: ClusterModel, a: number, b: number): PodLife[] {
  const out: PodLife[] = [];
  for (const workload of model.workloads) workload.collectLives(a, b, out);
  out.sort((x, y) => x.start - y.start || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return out;
}

export function overlaps(life: { start: number; stop: number }, a: number, b: number): boolean {
  return life.start < b && life.stop > a;
}
