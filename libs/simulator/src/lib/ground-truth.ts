/**
 * The exact answer an accounting over [from, to) must find (the rules of docs/accounting.md §3–4): per
 * (namespace, pod) and per namespace, the time integrals of true usage, the counter increases, and the
 * peaks and counts of the samples that reach the database.
 */
import { GPU_UNITS_PER_DEVICE, gpuAllocationUnits } from '@kube-monitoring/contract';

import type { ClusterModel, NodeSpec, PodLife } from './cluster-model';
import { livesBetween } from './cluster-model';
import { ExactSum } from './exact-sum';
import { ContainerQuantity, NetworkQuantity } from './quantities';
import type { ScrapeFrame } from './samples';
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

/**
 * What the pod reserved over [from, to) ∩ alive, summed over its containers: requests × time, GPU
 * devices allocated × time, and the `max` basis ∫ max(request, usage) (per grid window and container).
 * GPU devices: a whole GPU counts 1, a MIG slice `<g>g` g/7, a HAMi share its `gpucores` percent
 * (`gpumem-percentage` without cores) — `gpuAllocationUnits` of `@kube-monitoring/contract`.
 */
export interface AllocationIntegrals {
  cpuRequestMillicoreSeconds: number;
  memoryRequestByteSeconds: number;
  gpuDeviceSeconds: number;
  cpuMaxMillicoreSeconds: number;
  memoryMaxByteSeconds: number;
  cpuRequestCoreHours: number;
  memoryRequestGibHours: number;
  gpuHours: number;
  cpuMaxCoreHours: number;
  memoryMaxGibHours: number;
}

/**
 * A node over [from, to): what it offers (allocatable CPU and memory, physical GPUs, all the time),
 * what its pods requested, and the difference split into idle (∫ max(0, offered − requested)) and
 * overcommit (∫ max(0, requested − offered)), instant by instant: idle − overcommit = offered − requested.
 */
export interface NodeTruth {
  nodename: string;
  gpuModel: string;
  gpuDevices: number;
  gpuSharing: NodeSpec['gpuSharing'];
  /** Distinct (namespace, pod) with a life on the node in the period. */
  pods: number;
  cpuAllocatableMillicoreSeconds: number;
  memoryAllocatableByteSeconds: number;
  gpuCapacityDeviceSeconds: number;
  cpuRequestMillicoreSeconds: number;
  memoryRequestByteSeconds: number;
  gpuDeviceSeconds: number;
  cpuIdleMillicoreSeconds: number;
  cpuOvercommitMillicoreSeconds: number;
  memoryIdleByteSeconds: number;
  memoryOvercommitByteSeconds: number;
  gpuIdleDeviceSeconds: number;
  gpuOvercommitDeviceSeconds: number;
  cpuAllocatableCoreHours: number;
  memoryAllocatableGibHours: number;
  gpuCapacityHours: number;
  cpuRequestCoreHours: number;
  memoryRequestGibHours: number;
  gpuHours: number;
  cpuIdleCoreHours: number;
  cpuOvercommitCoreHours: number;
  memoryIdleGibHours: number;
  memoryOvercommitGibHours: number;
  gpuIdleHours: number;
  gpuOvercommitHours: number;
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

export interface PodTruth extends UsageIntegrals, AllocationIntegrals, SampleStats {
  namespace_name: string;
  pod_name: string;
  /** Lives of the pod overlapping the period (restarts add lives). */
  lives: number;
  hasGpu: boolean;
  counters: CounterIncreases;
}

export interface NamespaceTruth extends UsageIntegrals, AllocationIntegrals, SampleStats {
  namespace_name: string;
  /** Distinct pod names with a life in the period. */
  pods: number;
  counters: CounterIncreases;
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
  readonly cpuMax = new ExactSum();
  readonly memoryMax = new ExactSum();
  cpuRequest = 0n;
  memoryRequest = 0n;
  /** In 1/GPU_UNITS_PER_DEVICE of a device. */
  gpuUnits = 0n;
  readonly counters = new Float64Array(2 + NETWORK_QUANTITIES);
  samples = 0;
  peakCpu = 0;
  peakMemory = 0;
  peakGpu = 0;
  lives = 0;
  hasGpu = false;

  merge(other: Accumulator): void {
    this.cpu.addSum(other.cpu);
    this.memory.addSum(other.memory);
    this.gpu.addSum(other.gpu);
    this.cpuCounter.addSum(other.cpuCounter);
    this.cpuMax.addSum(other.cpuMax);
    this.memoryMax.addSum(other.memoryMax);
    this.cpuRequest += other.cpuRequest;
    this.memoryRequest += other.memoryRequest;
    this.gpuUnits += other.gpuUnits;
    for (let i = 0; i < this.counters.length; i++) this.counters[i] += other.counters[i];
    this.samples += other.samples;
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

  allocations(): AllocationIntegrals {
    const cpuRequest = Number(this.cpuRequest);
    const memoryRequest = Number(this.memoryRequest);
    const gpu = gpuDeviceSeconds(this.gpuUnits);
    const cpuMax = this.cpuMax.number();
    const memoryMax = this.memoryMax.number();
    return {
      cpuRequestMillicoreSeconds: cpuRequest,
      memoryRequestByteSeconds: memoryRequest,
      gpuDeviceSeconds: gpu,
      cpuMaxMillicoreSeconds: cpuMax,
      memoryMaxByteSeconds: memoryMax,
      cpuRequestCoreHours: cpuRequest / 1000 / 3600,
      memoryRequestGibHours: memoryRequest / 2 ** 30 / 3600,
      gpuHours: gpu / 3600,
      cpuMaxCoreHours: cpuMax / 1000 / 3600,
      memoryMaxGibHours: memoryMax / 2 ** 30 / 3600,
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

/**
 * `frames` must be the frames of every scrape with from ≤ t < to (node samples not needed).
 * Integrals come from the model directly, day by day, so they never depend on sampling.
 */
export function computeGroundTruth(model: ClusterModel, integrator: WindowIntegrator, from: number, to: number, frames: Iterable<ScrapeFrame>): Omit<GroundTruth, 'stepSeconds'> {
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
  const maxPart = new Float64Array(2);
  const lives = livesBetween(model, from, to);
  for (const life of lives) {
    const acc = accumulator(pods, podKey(life.pod.namespace, life.pod.name));
    acc.lives += 1;
    acc.hasGpu ||= life.pod.containers.some((c) => c.gpu !== undefined);
    const a = max(from, life.start);
    const b = min(to, life.stop);
    if (b > a) {
      const reserved = podReservation(life);
      const seconds = BigInt(b - a);
      acc.cpuRequest += reserved.cpu * seconds;
      acc.memoryRequest += reserved.memory * seconds;
      acc.gpuUnits += reserved.gpu * seconds;
    }
    // A day at a time keeps every partial sum an exact double.
    for (let dayStart = a; dayStart < b; dayStart += DAY) {
      const dayEnd = min(b, dayStart + DAY);
      containerPart.fill(0);
      networkPart.fill(0);
      maxPart.fill(0);
      for (const c of life.pod.containers) {
        integrator.addContainer(c, life, dayStart, dayEnd, containerPart);
        integrator.addRequestMax(c, life, dayStart, dayEnd, maxPart);
      }
      acc.cpuMax.add(maxPart[0]);
      acc.memoryMax.add(maxPart[1]);
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
      ...acc.allocations(),
      ...acc.stats(),
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
      ...acc.allocations(),
      ...acc.stats(),
      counters: acc.counterIncreases(),
    }))
    .sort((x, y) => compare(x.namespace_name, y.namespace_name));

  const nodeTruths = model.nodes.map((node) => nodeTruth(node, lives, from, to)).sort((x, y) => compare(x.nodename, y.nodename));

  return { from: new Date(from * 1000), to: new Date(to * 1000), pods: podTruths, namespaces: namespaceTruths, nodes: nodeTruths };
}

/** What a pod reserves while it lives: millicores, bytes, GPU units (summed over its containers). */
function podReservation(life: PodLife): { cpu: bigint; memory: bigint; gpu: bigint } {
  let cpu = 0;
  let memory = 0;
  let gpu = 0;
  for (const c of life.pod.containers) {
    cpu += c.requests.cpuMillicores;
    memory += c.requests.memoryBytes;
    gpu += gpuAllocationUnits(c.extendedRequests);
  }
  return { cpu: BigInt(cpu), memory: BigInt(memory), gpu: BigInt(gpu) };
}

function gpuDeviceSeconds(units: bigint): number {
  return Number(units) / GPU_UNITS_PER_DEVICE;
}

/**
 * Sweeps the node's pod starts and stops over [from, to): between two events the requests are
 * constant, so idle and overcommit are exact sums of (difference × seconds), in bigint.
 */
function nodeTruth(node: NodeSpec, lives: readonly PodLife[], from: number, to: number): NodeTruth {
  const deltas = new Map<number, { cpu: bigint; memory: bigint; gpu: bigint }>();
  const names = new Set<string>();
  const change = (t: number, r: { cpu: bigint; memory: bigint; gpu: bigint }, sign: bigint) => {
    const d = deltas.get(t) ?? { cpu: 0n, memory: 0n, gpu: 0n };
    d.cpu += sign * r.cpu;
    d.memory += sign * r.memory;
    d.gpu += sign * r.gpu;
    deltas.set(t, d);
  };
  for (const life of lives) {
    if (life.pod.node.id !== node.id) continue;
    const a = max(from, life.start);
    const b = min(to, life.stop);
    if (b <= a) continue;
    names.add(`${life.pod.namespace}/${life.pod.name}`);
    const r = podReservation(life);
    change(a, r, 1n);
    change(b, r, -1n);
  }
  const offered = { cpu: BigInt(node.cpuAllocatableMillicores), memory: BigInt(node.memoryAllocatableBytes), gpu: BigInt(node.gpuDevices * GPU_UNITS_PER_DEVICE) };
  const requested = { cpu: 0n, memory: 0n, gpu: 0n };
  const idle = { cpu: 0n, memory: 0n, gpu: 0n };
  const over = { cpu: 0n, memory: 0n, gpu: 0n };
  const total = { cpu: 0n, memory: 0n, gpu: 0n };
  const times = [...new Set([...deltas.keys(), to])].sort((x, y) => x - y);
  let previous = from;
  for (const t of times) {
    const seconds = BigInt(t - previous);
    if (seconds > 0n) {
      for (const q of ['cpu', 'memory', 'gpu'] as const) {
        const difference = offered[q] - requested[q];
        total[q] += requested[q] * seconds;
        if (difference >= 0n) idle[q] += difference * seconds;
        else over[q] -= difference * seconds;
      }
    }
    const d = deltas.get(t);
    if (d) for (const q of ['cpu', 'memory', 'gpu'] as const) requested[q] += d[q];
    previous = t;
  }
  const span = BigInt(to - from);
  const cpuHours = (v: bigint) => Number(v) / 1000 / 3600;
  const gibHours = (v: bigint) => Number(v) / 2 ** 30 / 3600;
  const gpuHours = (v: bigint) => gpuDeviceSeconds(v) / 3600;
  return {
    nodename: node.name,
    gpuModel: node.gpuModel,
    gpuDevices: node.gpuDevices,
    gpuSharing: node.gpuSharing,
    pods: names.size,
    cpuAllocatableMillicoreSeconds: Number(offered.cpu * span),
    memoryAllocatableByteSeconds: Number(offered.memory * span),
    gpuCapacityDeviceSeconds: gpuDeviceSeconds(offered.gpu * span),
    cpuRequestMillicoreSeconds: Number(total.cpu),
    memoryRequestByteSeconds: Number(total.memory),
    gpuDeviceSeconds: gpuDeviceSeconds(total.gpu),
    cpuIdleMillicoreSeconds: Number(idle.cpu),
    cpuOvercommitMillicoreSeconds: Number(over.cpu),
    memoryIdleByteSeconds: Number(idle.memory),
    memoryOvercommitByteSeconds: Number(over.memory),
    gpuIdleDeviceSeconds: gpuDeviceSeconds(idle.gpu),
    gpuOvercommitDeviceSeconds: gpuDeviceSeconds(over.gpu),
    cpuAllocatableCoreHours: cpuHours(offered.cpu * span),
    memoryAllocatableGibHours: gibHours(offered.memory * span),
    gpuCapacityHours: gpuHours(offered.gpu * span),
    cpuRequestCoreHours: cpuHours(total.cpu),
    memoryRequestGibHours: gibHours(total.memory),
    gpuHours: gpuHours(total.gpu),
    cpuIdleCoreHours: cpuHours(idle.cpu),
    cpuOvercommitCoreHours: cpuHours(over.cpu),
    memoryIdleGibHours: gibHours(idle.memory),
    memoryOvercommitGibHours: gibHours(over.memory),
    gpuIdleHours: gpuHours(idle.gpu),
    gpuOvercommitHours: gpuHours(over.gpu),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
