/**
 * Scrapes of one node: the sum of its pods plus its system containers (kubelet, docker-daemon,
 * system) and host traffic. Node counters and uptime restart at each simulated reboot.
 */
import type { ClusterModel, NodeSpec } from './cluster-model';
import { livesBetween } from './cluster-model';
import { ContainerSetSampler, type SamplerContext } from './container-set-sampler';
import { deliveryOf } from './delivery';
import { filesystem, memorySplit, networkSample, type DeliveryOptions, type MemorySplit } from './pod-sampler';
import { ContainerQuantity, NetworkQuantity } from './quantities';
import type { NodeSample, PodSample, SysContainerSample } from './samples';

const { CPU, MAJOR_PAGE_FAULTS, MEMORY, PAGE_FAULTS, COUNT: CONTAINER_QUANTITIES } = ContainerQuantity;
const { RX, RX_ERRORS, TX, TX_ERRORS, COUNT: NETWORK_QUANTITIES } = NetworkQuantity;

// Local bindings: global lookups are slow inside vm contexts (as in Jest), and these run per sample.
const { floor, round } = Math;

/** Counters of the node's pods since boot: cpu, faults, major faults, rx, tx, rx errors, tx errors. */
interface PodCounters {
  cpuMillicoreSeconds: number;
  pageFaults: number;
  majorPageFaults: number;
  rxBytes: number;
  txBytes: number;
  rxErrors: number;
  txErrors: number;
}

export class NodeSampler {
  private boot = Number.NaN;
  private sys: ContainerSetSampler | undefined;
  private podCounters: PodCounters = zeroCounters();
  private readonly splits: MemorySplit[];

  constructor(
    private readonly ctx: SamplerContext,
    private readonly model: ClusterModel,
    readonly node: NodeSpec,
    private readonly delivery: DeliveryOptions,
  ) {
    this.splits = node.sysContainers.map((c) => memorySplit(delivery.seed, c.id));
  }

  /** Start of the boot period containing t. */
  bootAt(t: number): number {
    const { bootPhaseSeconds: phase, rebootPeriodSeconds: period } = this.node;
    return phase + floor((t - phase) / period) * period;
  }

  /** The node at scrape `index`; `pods` are this node's pod samples at that scrape. */
  sample(index: number, time: number, pods: readonly PodSample[]): NodeSample {
    const { schedule } = this.ctx;
    const node = this.node;
    const boot = this.bootAt(time);
    if (boot !== this.boot) this.startBoot(boot, index);

    for (const pod of pods) {
      const inc = pod.increments;
      const c = this.podCounters;
      c.cpuMillicoreSeconds += inc.cpuMillicoreSeconds;
      c.pageFaults += inc.pageFaults;
      c.majorPageFaults += inc.majorPageFaults;
      c.rxBytes += inc.rxBytes;
      c.txBytes += inc.txBytes;
      c.rxErrors += inc.rxErrors;
      c.txErrors += inc.txErrors;
    }

    const sys = this.sys;
    const sysActive = sys !== undefined && index >= sys.firstIndex && index <= sys.lastIndex;
    if (sysActive) sys.advance(index);
    const dt = schedule.time(index) - schedule.time(index - 1);
    const host = sysActive ? networkSample(sys, dt) : undefined;
    const hostDelta = sysActive ? sys.networkNumerator : undefined;
    let sysFaultDeltas = 0;
    let sysMajorDeltas = 0;
    const sysContainers: SysContainerSample[] = node.sysContainers.map((spec, i) => {
      const g = sysActive ? sys.gauges[i] : undefined;
      const cum = sysActive ? sys.cumulative[i] : undefined;
      const num = sysActive ? sys.numerators[i] : undefined;
      const memory = g?.[MEMORY] ?? 0;
      const rss = round(memory * this.splits[i].rss);
      const sysDt = sysActive ? sys.windowSeconds(index) : dt;
      sysFaultDeltas += num?.[PAGE_FAULTS] ?? 0;
      sysMajorDeltas += num?.[MAJOR_PAGE_FAULTS] ?? 0;
      return {
        spec,
        cpuMillicores: g?.[CPU] ?? 0,
        cpuUsageMillicoreSeconds: cum?.[CPU] ?? 0,
        memoryBytes: memory,
        workingSetBytes: round(memory * this.splits[i].workingSet),
        rssBytes: rss,
        cacheBytes: memory - rss,
        pageFaults: cum?.[PAGE_FAULTS] ?? 0,
        majorPageFaults: cum?.[MAJOR_PAGE_FAULTS] ?? 0,
        pageFaultsRate: (num?.[PAGE_FAULTS] ?? 0) / sysDt,
        majorPageFaultsRate: (num?.[MAJOR_PAGE_FAULTS] ?? 0) / sysDt,
        gpuMegabytes: undefined,
        cpuRequestMillicores: 0,
        cpuLimitMillicores: 0,
        memoryRequestBytes: 0,
        memoryLimitBytes: 0,
      };
    });

    const sumPods = (pick: (p: PodSample) => number) => pods.reduce((acc, p) => acc + pick(p), 0);
    const sumSys = (pick: (s: SysContainerSample) => number) => sysContainers.reduce((acc, s) => acc + pick(s), 0);
    const both = (pickPod: (p: PodSample) => number, pickSys: (s: SysContainerSample) => number) => sumPods(pickPod) + sumSys(pickSys);
    const c = this.podCounters;
    const podFaultDeltas = sumPods((p) => p.increments.pageFaults);
    const podMajorDeltas = sumPods((p) => p.increments.majorPageFaults);
    const podRootfs = sumPods((p) => p.containers.reduce((acc, ct) => acc + ct.rootfs.usageBytes, 0) + p.volume.usageBytes);
    const fsUsed = node.fsBaseUsedBytes + podRootfs;
    const delivery = deliveryOf(this.delivery.seed, node.id, index, this.delivery.missingFraction, this.delivery.lateFraction);

    return {
      kind: 'node',
      index,
      time,
      node,
      sysContainers,
      cpuMillicores: both(
        (p) => p.cpuMillicores,
        (s) => s.cpuMillicores,
      ),
      cpuUsageMillicoreSeconds: c.cpuMillicoreSeconds + sumSys((s) => s.cpuUsageMillicoreSeconds),
      memoryBytes: both(
        (p) => p.memoryBytes,
        (s) => s.memoryBytes,
      ),
      workingSetBytes: both(
        (p) => p.workingSetBytes,
        (s) => s.workingSetBytes,
      ),
      rssBytes: both(
        (p) => p.rssBytes,
        (s) => s.rssBytes,
      ),
      cacheBytes: both(
        (p) => p.cacheBytes,
        (s) => s.cacheBytes,
      ),
      pageFaults: c.pageFaults + sumSys((s) => s.pageFaults),
      majorPageFaults: c.majorPageFaults + sumSys((s) => s.majorPageFaults),
      pageFaultsRate: (podFaultDeltas + sysFaultDeltas) / dt,
      majorPageFaultsRate: (podMajorDeltas + sysMajorDeltas) / dt,
      gpuMegabytes: node.gpuDevices > 0 ? sumPods((p) => p.gpuMegabytes ?? 0) : undefined,
      cpuRequestMillicores: sumPods((p) => p.cpuRequestMillicores),
      cpuLimitMillicores: sumPods((p) => p.cpuLimitMillicores),
      memoryRequestBytes: sumPods((p) => p.memoryRequestBytes),
      memoryLimitBytes: sumPods((p) => p.memoryLimitBytes),
      network: {
        rxBytes: c.rxBytes + (host?.rxBytes ?? 0),
        txBytes: c.txBytes + (host?.txBytes ?? 0),
        rxErrors: c.rxErrors + (host?.rxErrors ?? 0),
        txErrors: c.txErrors + (host?.txErrors ?? 0),
        rxBytesRate: (sumPods((p) => p.increments.rxBytes) + (hostDelta?.[RX] ?? 0)) / dt,
        txBytesRate: (sumPods((p) => p.increments.txBytes) + (hostDelta?.[TX] ?? 0)) / dt,
        rxErrorsRate: (sumPods((p) => p.increments.rxErrors) + (hostDelta?.[RX_ERRORS] ?? 0)) / dt,
        txErrorsRate: (sumPods((p) => p.increments.txErrors) + (hostDelta?.[TX_ERRORS] ?? 0)) / dt,
      },
      rootfs: filesystem(node.fsCapacityBytes, fsUsed, fsUsed),
      uptimeMs: (time - boot) * 1000,
      cpuCapacityMillicores: node.cpuCapacityMillicores,
      cpuAllocatableMillicores: node.cpuAllocatableMillicores,
      memoryCapacityBytes: node.memoryCapacityBytes,
      memoryAllocatableBytes: node.memoryAllocatableBytes,
      missing: delivery === 'missing',
      late: delivery === 'late',
    };
  }

  /**
   * New boot period: system containers start over, and the pods' share of the node counters is the
   * integral of their usage from the first scrape of the boot up to the previous scrape.
   */
  private startBoot(boot: number, index: number): void {
    const { schedule, integrator } = this.ctx;
    const node = this.node;
    this.boot = boot;
    this.sys = new ContainerSetSampler(this.ctx, node.sysContainers, { shape: node.network, entity: node.id }, { start: boot, stop: boot + node.rebootPeriodSeconds }, index);
    this.podCounters = zeroCounters();
    const firstOfBoot = schedule.firstAtOrAfter(boot);
    if (firstOfBoot >= index) return;
    const from = schedule.time(firstOfBoot - 1);
    const until = schedule.time(index - 1);
    const containerSum = new Float64Array(CONTAINER_QUANTITIES);
    const networkSum = new Float64Array(NETWORK_QUANTITIES);
    for (const life of livesBetween(this.model, from, until)) {
      if (life.pod.node.id !== node.id) continue;
      for (const c of life.pod.containers) integrator.addContainer(c, life, from, until, containerSum);
      integrator.addNetwork(life.pod.network, life.pod.uid, life, from, until, networkSum);
    }
    this.podCounters = {
      cpuMillicoreSeconds: containerSum[CPU],
      pageFaults: containerSum[PAGE_FAULTS],
      majorPageFaults: containerSum[MAJOR_PAGE_FAULTS],
      rxBytes: networkSum[RX],
      txBytes: networkSum[TX],
      rxErrors: networkSum[RX_ERRORS],
      txErrors: networkSum[TX_ERRORS],
    };
  }
}

function zeroCounters(): PodCounters {
  return { cpuMillicoreSeconds: 0, pageFaults: 0, majorPageFaults: 0, rxBytes: 0, txBytes: 0, rxErrors: 0, txErrors: 0 };
}
