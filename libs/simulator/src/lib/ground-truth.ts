/**
 * The exact answer an accounting over [from, to) must find (the rules of docs/accounting.md §3–4): per
 * (namespace, pod) and per namespace, the time integrals of true usage, the counter increases, and the
 * peaks and counts of the samples that reach the database; what the pods reserved (requests, limits,
 * GPU devices) over their lives; and per node what it offered and what its pods reserved.
 */
import { gpuDevicesOf } from '@kube-monitoring/contract';

import type { ClusterModel, PodLife } from './cluster-model';
import { livesBetween } from './cluster-model';
import { ExactSum } from './exact-sum';
import { ContainerQuantity, NetworkQuantity } from './quantities';
import type { ScrapeFrame } from './samples';
import type { ScrapeSchedule } from './scrape-schedule';
import type { WindowIntegrator } from './window-integrator';

const { CPU, GPU, MAJOR_PAGE_FAULTS, MEMORY, PAGE_FAULTS, COUNT: CONTAINER_QUANTITIES } = ContainerQuantity;
const { RX, RX_ERRORS, TX, TX_ERRORS, COUNT: NETWORK_QUANTITIES } = NetworkQuantity;

// Local bindings: global lookups are slow inside vm contexts (as in Jest), and these run per sample.
const { max, min } = Math;

/** Integrals over [from, to) ∩ alive. Exact integers (rounded to the nearest double beyond 2^53). */
export interface UsageIntegrals {
  cpuMillicoreSeconds: number;
  memoryByteSeconds: number;
  gpuMegabyteSeconds: number;
  /** The same in billing units: core-hours, GiB-hours (2^30 bytes), GB-hours (10^9 bytes). */
  cpuCoreHours: number;
  memoryGibHours: number;
  gpuMemoryGbHours: number;
}

/** Increase of the cumulative counters over [from, to), resets (restarts) accounted for. */
export interface CounterIncreases {
  /** `cpu/usage`: exact, may exceed 2^53. */
  cpuUsageNanoseconds: bigint;
  pageFaults: number;
  majorPageFaults: number;
  networkRxBytes: number;
  networkTxBytes: number;
  networkRxErrors: number;
  networkTxErrors: number;
}

export interface SampleStats {
  /** Samples with from ≤ t < to that reach the database (late ones included, lost ones not). */
  samples: number;
  /** Largest sample value among those (pod level; namespace: the `type=ns` series). 0 without samples. */
  peakCpuMillicores: number;
  peakMemoryBytes: number;
  peakGpuMegabytes: number;
}

/**
 * What the pods reserved over [from, to) ∩ alive, exactly, in billing units (core-hours, GiB-hours of
 * 2^30 bytes, GPU-hours), and the per-sample `max` basis: each scrape window billed at the larger of
 * what the pod requested and what it used.
 */
export interface AllocationTruth {
  /** Σ over containers of the request × alive hours (0 without requests). */
  cpuRequestCoreHours: number;
  memoryRequestGibHours: number;
  /** The same for limits (0 where unset). */
  cpuLimitCoreHours: number;
  memoryLimitGibHours: number;
  /** Σ over containers of gpuDevicesOf(its requests) × alive hours (contract's GPU rule: whole GPUs, HAMi shares, MIG slices). */
  gpuHours: number;
  /**
   * Σ over the pod's scrape windows (t_{k−1}, t_k], clipped to [from, to) and to the life, of
   * max(request × window seconds, ∫ usage over the window): the pod's (containers summed) request
   * against its true usage, every window counted, lost scrapes included.
   */
  cpuMaxCoreHours: number;
  memoryMaxGibHours: number;
  /** Some container requests CPU, memory or a GPU resource (false: BestEffort). */
  hasRequests: boolean;
}

export interface PodTruth extends UsageIntegrals, SampleStats, AllocationTruth {
  namespace_name: string;
  pod_name: string;
  /** Lives of the pod overlapping the period (restarts add lives). */
  lives: number;
  hasGpu: boolean;
  counters: CounterIncreases;
}

export interface NamespaceTruth extends UsageIntegrals, SampleStats, AllocationTruth {
  namespace_name: string;
  /** Distinct pod names with a life in the period. */
  pods: number;
  counters: CounterIncreases;
}

/** A node over the whole period (nodes never leave the simulated cluster), and what its pods requested. */
export interface NodeTruth {
  node: string;
  /** Allocatable × the period's hours. */
  cpuAllocatableCoreHours: number;
  memoryAllocatableGibHours: number;
  /** Physical GPUs (a MIG-partitioned or HAMi-shared GPU is one). */
  gpuDevices: number;
  /** gpuDevices × the period's hours. */
  gpuDeviceHours: number;
  /** The requests of the pods on the node over the period (as in AllocationTruth). */
  cpuRequestCoreHours: number;
  memoryRequestGibHours: number;
  gpuHours: number;
}

export interface GroundTruth {
  from: Date;
  to: Date;
  stepSeconds: number;
  pods: PodTruth[];
  namespaces: NamespaceTruth[];
  /** Every node of the cluster, by name. */
  nodes: NodeTruth[];
}

const DAY = 86_400;

class Accumulator {
  readonly cpu = new ExactSum();
  readonly memory = new ExactSum();
  readonly gpu = new ExactSum();
  readonly cpuCounter = new ExactSum();
  readonly counters = new Float64Array(2 + NETWORK_QUANTITIES);
  samples = 0;
  peakCpu = 0;
  peakMemory = 0;
  peakGpu = 0;
  lives = 0;
  hasGpu = false;
  readonly allocation = new AllocationAccumulator();

  merge(other: Accumulator): void {
    this.cpu.addSum(other.cpu);
    this.memory.addSum(other.memory);
    this.gpu.addSum(other.gpu);
    this.cpuCounter.addSum(other.cpuCounter);
    for (let i = 0; i < this.counters.length; i++) this.counters[i] += other.counters[i];
    this.samples += other.samples;
    this.allocation.merge(other.allocation);
  }

  integrals(): UsageIntegrals {
    const cpu = this.cpu.number();
    const memory = this.memory.number();
    const gpu = this.gpu.number();
    return {
      cpuMillicoreSeconds: cpu,
      memoryByteSeconds: memory,
      gpuMegabyteSeconds: gpu,
      cpuCoreHours: cpu / 1000 / 3600,
      memoryGibHours: memory / 2 ** 30 / 3600,
      gpuMemoryGbHours: gpu / 1000 / 3600,
    };
  }

  counterIncreases(): CounterIncreases {
    const c = this.counters;
    return {
      cpuUsageNanoseconds: this.cpuCounter.bigint() * 1_000_000n,
      pageFaults: c[0],
      majorPageFaults: c[1],
      networkRxBytes: c[2 + RX],
      networkTxBytes: c[2 + TX],
      networkRxErrors: c[2 + RX_ERRORS],
      networkTxErrors: c[2 + TX_ERRORS],
    };
  }

  stats(): SampleStats {
    return {
      samples: this.samples,
      peakCpuMillicores: this.peakCpu,
      peakMemoryBytes: this.peakMemory,
      peakGpuMegabytes: this.peakGpu,
    };
  }
}

/** Requests, limits and the max basis in exact millicore-seconds and byte-seconds; GPU device-hours. */
class AllocationAccumulator {
  readonly cpuRequest = new ExactSum();
  readonly memoryRequest = new ExactSum();
  readonly cpuLimit = new ExactSum();
  readonly memoryLimit = new ExactSum();
  readonly cpuMax = new ExactSum();
  readonly memoryMax = new ExactSum();
  gpuHours = 0;
  hasRequests = false;

  merge(other: AllocationAccumulator): void {
    this.cpuRequest.addSum(other.cpuRequest);
    this.memoryRequest.addSum(other.memoryRequest);
    this.cpuLimit.addSum(other.cpuLimit);
    this.memoryLimit.addSum(other.memoryLimit);
    this.cpuMax.addSum(other.cpuMax);
    this.memoryMax.addSum(other.memoryMax);
    this.gpuHours += other.gpuHours;
    this.hasRequests ||= other.hasRequests;
  }

  truth(): AllocationTruth {
    const coreHours = (s: ExactSum) => s.number() / 1000 / 3600;
    const gibHours = (s: ExactSum) => s.number() / 2 ** 30 / 3600;
    return {
      cpuRequestCoreHours: coreHours(this.cpuRequest),
      memoryRequestGibHours: gibHours(this.memoryRequest),
      cpuLimitCoreHours: coreHours(this.cpuLimit),
      memoryLimitGibHours: gibHours(this.memoryLimit),
      gpuHours: this.gpuHours,
      cpuMaxCoreHours: coreHours(this.cpuMax),
      memoryMaxGibHours: gibHours(this.memoryMax),
      hasRequests: this.hasRequests,
    };
  }
}

/** Adds what a life reserved over [from, to) ∩ alive: requests, limits and GPU devices × its alive time. */
function addReservations(acc: AllocationAccumulator, life: PodLife, from: number, to: number): void {
  const seconds = min(to, life.stop) - max(from, life.start);
  for (const c of life.pod.containers) {
    const gpu = c.extendedRequests ? gpuDevicesOf(c.extendedRequests) : 0;
    acc.hasRequests ||= c.requests.cpuMillicores > 0 || c.requests.memoryBytes > 0 || gpu > 0;
    if (seconds <= 0) continue;
    acc.cpuRequest.addProduct(c.requests.cpuMillicores, seconds);
    acc.memoryRequest.addProduct(c.requests.memoryBytes, seconds);
    acc.cpuLimit.addProduct(c.limits.cpuMillicores, seconds);
    acc.memoryLimit.addProduct(c.limits.memoryBytes, seconds);
    acc.gpuHours += gpu * (seconds / 3600);
  }
}

/**
 * Adds the life's `max` basis: per scrape window (t_{k−1}, t_k] of the life (the first after the
 * start to the first at or after the stop, so the windows cover the life once), clipped to [from, to)
 * and to the life, the larger of the pod's request × seconds and its true usage integral.
 */
function addMaxBasis(acc: AllocationAccumulator, life: PodLife, from: number, to: number, schedule: ScrapeSchedule, integrator: WindowIntegrator, part: Float64Array): void {
  const containers = life.pod.containers;
  let cpuRequest = 0;
  let memoryRequest = 0;
  for (const c of containers) {
    cpuRequest += c.requests.cpuMillicores;
    memoryRequest += c.requests.memoryBytes;
  }
  const first = max(schedule.firstAfter(life.start), schedule.firstAfter(from));
  const last = min(schedule.firstAtOrAfter(life.stop), schedule.firstAtOrAfter(to));
  let previous = schedule.time(first - 1);
  for (let k = first; k <= last; k++) {
    const time = schedule.time(k);
    const a = max(previous, from);
    const b = min(time, to);
    previous = time;
    const seconds = min(b, life.stop) - max(a, life.start);
    if (seconds <= 0) continue;
    part.fill(0);
    for (const c of containers) integrator.addContainer(c, life, a, b, part);
    acc.cpuMax.add(max(cpuRequest * seconds, part[CPU]));
    acc.memoryMax.add(max(memoryRequest * seconds, part[MEMORY]));
  }
}

/**
 * `frames` must be the frames of every scrape with from ≤ t < to (node samples not needed).
 * Integrals come from the model directly, day by day, so they never depend on sampling; so do the
 * reservations and the `max` basis (its windows are the schedule's, lost scrapes included).
 */
export function computeGroundTruth(
  model: ClusterModel,
  integrator: WindowIntegrator,
  schedule: ScrapeSchedule,
  from: number,
  to: number,
  frames: Iterable<ScrapeFrame>,
): Omit<GroundTruth, 'stepSeconds'> {
  const pods = new Map<string, Accumulator>();
  const namespaces = new Map<string, Accumulator>();
  const podKey = (ns: string, pod: string) => `${ns}\u0000${pod}`;
  const accumulator = <K>(map: Map<K, Accumulator>, key: K) => {
    let acc = map.get(key);
    if (!acc) {
      acc = new Accumulator();
      map.set(key, acc);
    }
    return acc;
  };

  const containerPart = new Float64Array(CONTAINER_QUANTITIES);
  const networkPart = new Float64Array(NETWORK_QUANTITIES);
  const nodes = new Map(model.nodes.map((n) => [n.name, new AllocationAccumulator()]));
  for (const life of livesBetween(model, from, to)) {
    const acc = accumulator(pods, podKey(life.pod.namespace, life.pod.name));
    acc.lives += 1;
    acc.hasGpu ||= life.pod.containers.some((c) => c.gpu !== undefined);
    addReservations(acc.allocation, life, from, to);
    const node = nodes.get(life.pod.node.name);
    if (node) addReservations(node, life, from, to);
    addMaxBasis(acc.allocation, life, from, to, schedule, integrator, containerPart);
    const a = max(from, life.start);
    const b = min(to, life.stop);
    // A day at a time keeps every partial sum an exact double.
    for (let dayStart = a; dayStart < b; dayStart += DAY) {
      const dayEnd = min(b, dayStart + DAY);
      containerPart.fill(0);
      networkPart.fill(0);
      for (const c of life.pod.containers) integrator.addContainer(c, life, dayStart, dayEnd, containerPart);
      integrator.addNetwork(life.pod.network, life.pod.uid, life, dayStart, dayEnd, networkPart);
      acc.cpu.add(containerPart[CPU]);
      acc.memory.add(containerPart[MEMORY]);
      acc.gpu.add(containerPart[GPU]);
      acc.cpuCounter.add(containerPart[CPU]);
      acc.counters[0] += containerPart[PAGE_FAULTS];
      acc.counters[1] += containerPart[MAJOR_PAGE_FAULTS];
      for (let q = 0; q < NETWORK_QUANTITIES; q++) acc.counters[2 + q] += networkPart[q];
    }
  }

  for (const frame of frames) {
    for (const sample of frame.pods) {
      if (sample.missing) continue;
      const acc = accumulator(pods, podKey(sample.pod.namespace, sample.pod.name));
      acc.samples += 1;
      acc.peakCpu = max(acc.peakCpu, sample.cpuMillicores);
      acc.peakMemory = max(acc.peakMemory, sample.memoryBytes);
      acc.peakGpu = max(acc.peakGpu, sample.gpuMegabytes ?? 0);
      const nsAcc = accumulator(namespaces, sample.pod.namespace);
      nsAcc.samples += 1;
    }
    for (const ns of frame.namespaces) {
      const nsAcc = accumulator(namespaces, ns.namespace);
      nsAcc.peakCpu = max(nsAcc.peakCpu, ns.cpuMillicores);
      nsAcc.peakMemory = max(nsAcc.peakMemory, ns.memoryBytes);
      const gpu = frame.pods.reduce((acc, p) => (p.pod.namespace === ns.namespace ? acc + (p.gpuMegabytes ?? 0) : acc), 0);
      nsAcc.peakGpu = max(nsAcc.peakGpu, gpu);
    }
  }

  const podTruths: PodTruth[] = [];
  const podCounts = new Map<string, number>();
  for (const [key, acc] of pods) {
    const [namespace, name] = key.split('\u0000');
    podTruths.push({
      namespace_name: namespace,
      pod_name: name,
      lives: acc.lives,
      hasGpu: acc.hasGpu,
      ...acc.integrals(),
      ...acc.stats(),
      ...acc.allocation.truth(),
      counters: acc.counterIncreases(),
    });
    const nsAcc = accumulator(namespaces, namespace);
    const samples = nsAcc.samples;
    nsAcc.merge(acc);
    // Samples were already counted per namespace from the frames.
    nsAcc.samples = samples;
    podCounts.set(namespace, (podCounts.get(namespace) ?? 0) + 1);
  }
  podTruths.sort((x, y) => compare(x.namespace_name, y.namespace_name) || compare(x.pod_name, y.pod_name));

  const namespaceTruths: NamespaceTruth[] = [...namespaces.entries()]
    .map(([namespace, acc]) => ({
      namespace_name: namespace,
      pods: podCounts.get(namespace) ?? 0,
      ...acc.integrals(),
      ...acc.stats(),
      ...acc.allocation.truth(),
      counters: acc.counterIncreases(),
    }))
    .sort((x, y) => compare(x.namespace_name, y.namespace_name));

  const hours = (to - from) / 3600;
  const nodeTruths: NodeTruth[] = model.nodes
    .map((n) => {
      const reserved = (nodes.get(n.name) as AllocationAccumulator).truth();
      return {
        node: n.name,
        cpuAllocatableCoreHours: (n.cpuAllocatableMillicores / 1000) * hours,
        memoryAllocatableGibHours: (n.memoryAllocatableBytes / 2 ** 30) * hours,
        gpuDevices: n.gpuDevices,
        gpuDeviceHours: n.gpuDevices * hours,
        cpuRequestCoreHours: reserved.cpuRequestCoreHours,
        memoryRequestGibHours: reserved.memoryRequestGibHours,
        gpuHours: reserved.gpuHours,
      };
    })
    .sort((x, y) => compare(x.node, y.node));

  return { from: new Date(from * 1000), to: new Date(to * 1000), pods: podTruths, namespaces: namespaceTruths, nodes: nodeTruths };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
