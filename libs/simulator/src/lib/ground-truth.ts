/**
 * The exact answer an accounting over [from, to) must find (the rules of docs/accounting.md §3–4): per
 * (namespace, pod) and per namespace, the time integrals of true usage, the counter increases, and the
 * peaks and counts of the samples that reach the database.
 */
import type { ClusterModel } from './cluster-model';
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

export interface PodTruth extends UsageIntegrals, SampleStats {
  namespace_name: string;
  pod_name: string;
  /** Lives of the pod overlapping the period (restarts add lives). */
  lives: number;
  hasGpu: boolean;
  counters: CounterIncreases;
}

export interface NamespaceTruth extends UsageIntegrals, SampleStats {
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

  merge(other: Accumulator): void {
    this.cpu.addSum(other.cpu);
    this.memory.addSum(other.memory);
    this.gpu.addSum(other.gpu);
    this.cpuCounter.addSum(other.cpuCounter);
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
  for (const life of livesBetween(model, from, to)) {
    const acc = accumulator(pods, podKey(life.pod.namespace, life.pod.name));
    acc.lives += 1;
    acc.hasGpu ||= life.pod.containers.some((c) => c.gpu !== undefined);
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
      counters: acc.counterIncreases(),
    }))
    .sort((x, y) => compare(x.namespace_name, y.namespace_name));

  return { from: new Date(from * 1000), to: new Date(to * 1000), pods: podTruths, namespaces: namespaceTruths };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
