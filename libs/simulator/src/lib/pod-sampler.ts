/** Scrapes of one pod life: container values, their pod-level sums, network, filesystem and uptime. */
import type { PodLife } from './cluster-model';
import { ContainerSetSampler, type SamplerContext } from './container-set-sampler';
import { deliveryOf } from './delivery';
import { hashUnit } from './prng';
import { ContainerQuantity, NetworkQuantity } from './quantities';
import type { ContainerSample, FilesystemSample, NetworkSample, PodSample } from './samples';

const { CPU, GPU, MAJOR_PAGE_FAULTS, MEMORY, PAGE_FAULTS } = ContainerQuantity;
const { RX, RX_ERRORS, TX, TX_ERRORS } = NetworkQuantity;

// Local bindings: global lookups are slow inside vm contexts (as in Jest), and these run per sample.
const { floor, max, min, round } = Math;

const SALT_WORKING_SET = 41;
const SALT_RSS = 42;
const MiB = 1024 * 1024;

export interface DeliveryOptions {
  seed: number;
  missingFraction: number;
  lateFraction: number;
}

/** Shares of memory usage that are working set and RSS, fixed per container. */
export interface MemorySplit {
  workingSet: number;
  rss: number;
}

export function memorySplit(seed: number, containerId: number): MemorySplit {
  return {
    workingSet: 0.75 + 0.2 * hashUnit(seed, containerId, SALT_WORKING_SET),
    rss: 0.45 + 0.25 * hashUnit(seed, containerId, SALT_RSS),
  };
}

export function filesystem(capacityBytes: number, usageBytes: number, usedOnDeviceBytes: number): FilesystemSample {
  const inodes = floor(capacityBytes / 16_384);
  return {
    usageBytes,
    capacityBytes,
    availableBytes: max(0, capacityBytes - usedOnDeviceBytes),
    inodes,
    inodesFree: max(0, inodes - floor(usedOnDeviceBytes / 32_768)),
  };
}

/** Network values of the scrape the sampler last advanced to. */
export function networkSample(sampler: ContainerSetSampler, dt: number): NetworkSample {
  const n = sampler.networkNumerator;
  const cum = sampler.networkCumulative;
  return {
    rxBytes: cum[RX],
    txBytes: cum[TX],
    rxErrors: cum[RX_ERRORS],
    txErrors: cum[TX_ERRORS],
    rxBytesRate: n[RX] / dt,
    txBytesRate: n[TX] / dt,
    rxErrorsRate: n[RX_ERRORS] / dt,
    txErrorsRate: n[TX_ERRORS] / dt,
  };
}

export class PodSampler {
  readonly sampler: ContainerSetSampler;
  private readonly splits: MemorySplit[];
  private readonly hasGpu: boolean;

  constructor(
    ctx: SamplerContext,
    readonly life: PodLife,
    startIndex: number,
    private readonly delivery: DeliveryOptions,
  ) {
    const pod = life.pod;
    this.sampler = new ContainerSetSampler(ctx, pod.containers, { shape: pod.network, entity: pod.uid }, life, startIndex);
    this.splits = pod.containers.map((c) => memorySplit(delivery.seed, c.id));
    this.hasGpu = pod.containers.some((c) => c.gpu !== undefined);
  }

  get firstIndex(): number {
    return this.sampler.firstIndex;
  }

  get lastIndex(): number {
    return this.sampler.lastIndex;
  }

  sample(index: number, time: number): PodSample {
    const { pod, start, stop } = this.life;
    const sampler = this.sampler;
    sampler.advance(index);
    const dt = sampler.windowSeconds(index);
    const upTo = min(time, stop);
    const aliveHours = (upTo - start) / 3600;
    const uptimeMs = (upTo - start) * 1000;
    const delivery = deliveryOf(this.delivery.seed, pod.uid, index, this.delivery.missingFraction, this.delivery.lateFraction);
    const network = networkSample(sampler, dt);
    const n = sampler.networkNumerator;
    const volumeUsage = round(min(pod.volume.capacityBytes, pod.volume.baseUsedBytes + MiB * aliveHours));

    const sample: PodSample = {
      kind: 'pod',
      index,
      time,
      pod,
      lifeId: this.life.id,
      containers: [],
      cpuMillicores: 0,
      cpuUsageMillicoreSeconds: 0,
      memoryBytes: 0,
      workingSetBytes: 0,
      rssBytes: 0,
      cacheBytes: 0,
      pageFaults: 0,
      majorPageFaults: 0,
      pageFaultsRate: 0,
      majorPageFaultsRate: 0,
      gpuMegabytes: this.hasGpu ? 0 : undefined,
      cpuRequestMillicores: 0,
      cpuLimitMillicores: 0,
      memoryRequestBytes: 0,
      memoryLimitBytes: 0,
      network,
      increments: {
        cpuMillicoreSeconds: 0,
        pageFaults: 0,
        majorPageFaults: 0,
        rxBytes: n[RX],
        txBytes: n[TX],
        rxErrors: n[RX_ERRORS],
        txErrors: n[TX_ERRORS],
      },
      volume: { name: pod.volume.name, ...filesystem(pod.volume.capacityBytes, volumeUsage, volumeUsage) },
      uptimeMs,
      windowSeconds: dt,
      missing: delivery === 'missing',
      late: delivery === 'late',
    };

    pod.containers.forEach((spec, i) => {
      const g = sampler.gauges[i];
      const num = sampler.numerators[i];
      const cum = sampler.cumulative[i];
      const memory = g[MEMORY];
      const rss = round(memory * this.splits[i].rss);
      const rootfsUsage = round(spec.rootfsBaseBytes + spec.rootfsGrowthPerHour * aliveHours);
      const container: ContainerSample = {
        spec,
        cpuMillicores: g[CPU],
        cpuUsageMillicoreSeconds: cum[CPU],
        memoryBytes: memory,
        workingSetBytes: round(memory * this.splits[i].workingSet),
        rssBytes: rss,
        cacheBytes: memory - rss,
        pageFaults: cum[PAGE_FAULTS],
        majorPageFaults: cum[MAJOR_PAGE_FAULTS],
        pageFaultsRate: num[PAGE_FAULTS] / dt,
        majorPageFaultsRate: num[MAJOR_PAGE_FAULTS] / dt,
        gpuMegabytes: spec.gpu ? g[GPU] : undefined,
        cpuRequestMillicores: spec.requests.cpuMillicores,
        cpuLimitMillicores: spec.limits.cpuMillicores,
        memoryRequestBytes: spec.requests.memoryBytes,
        memoryLimitBytes: spec.limits.memoryBytes,
        rootfs: filesystem(pod.node.fsCapacityBytes, rootfsUsage, pod.node.fsBaseUsedBytes + rootfsUsage),
        uptimeMs,
      };
      sample.containers.push(container);
      sample.cpuMillicores += container.cpuMillicores;
      sample.cpuUsageMillicoreSeconds += container.cpuUsageMillicoreSeconds;
      sample.memoryBytes += memory;
      sample.workingSetBytes += container.workingSetBytes;
      sample.rssBytes += rss;
      sample.cacheBytes += container.cacheBytes;
      sample.pageFaults += container.pageFaults;
      sample.majorPageFaults += container.majorPageFaults;
      sample.pageFaultsRate += container.pageFaultsRate;
      sample.majorPageFaultsRate += container.majorPageFaultsRate;
      if (sample.gpuMegabytes !== undefined) sample.gpuMegabytes += container.gpuMegabytes ?? 0;
      sample.cpuRequestMillicores += container.cpuRequestMillicores;
      sample.cpuLimitMillicores += container.cpuLimitMillicores;
      sample.memoryRequestBytes += container.memoryRequestBytes;
      sample.memoryLimitBytes += container.memoryLimitBytes;
      sample.increments.cpuMillicoreSeconds += num[CPU];
      sample.increments.pageFaults += num[PAGE_FAULTS];
      sample.increments.majorPageFaults += num[MAJOR_PAGE_FAULTS];
    });
    return sample;
  }
}
