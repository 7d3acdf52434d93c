import { GpuDeviceOptions, gpuDevicesOf } from '@kube-monitoring/contract';

import { compareNames, comparePods, ContainerKey, podId, PodKey } from './pod-key';
import { ContainerPodSelection, ContainerRowsPiece, MetricSamples, NamespaceFilter, SamplePiece, SampleStream, SeriesLevel, TotalsGrouping } from './sample-reader';

/** The catalog-style name of the GPU devices a pod holds (not a stored metric: joined from its requests). */
export const GPU_DEVICES_METRIC = 'gpu/devices';

/** One GPU resource's requests as stored (`nvidia.com/mig-3g.40gb`), read like a metric. */
export interface GpuResourceSamples {
  /** Kubernetes name or kube-state-metrics spelling; `gpuDevicesOf` takes both. */
  resource: string;
  samples: MetricSamples;
}

interface JoinedContainer {
  key: ContainerKey;
  /** Per sample time (ms), the quantity of each resource requested then. */
  rows: Map<number, Record<string, number>>;
}

/**
 * The GPU devices each container holds, per sample: its GPU resource requests joined at each
 * sample time (one scrape writes them together) and turned into devices by the one GPU rule
 * (`gpuDevicesOf`: whole GPUs, HAMi shares, MIG slices). It reads like any container-level metric,
 * so the one usage computation integrates it into device-hours and the ledger rolls it.
 *
 * GPU pods are few: the join is done in memory over the pods read, never over every pod.
 */
export class GpuDeviceSamples implements MetricSamples {
  readonly metric = GPU_DEVICES_METRIC;
  readonly cacheKey: string;
  readonly resolutionKey: string;
  readonly scale = 1;
  readonly hasPodSeries = false;
  readonly hasContainerSeries = true;
  readonly hasNamespaceSeries = false;

  constructor(
    private readonly parts: readonly GpuResourceSamples[],
    private readonly options: GpuDeviceOptions = {},
  ) {
    this.cacheKey = `${GPU_DEVICES_METRIC}(${options.migSlicesPerGpu ?? 'default'}):${parts.map((p) => `${p.resource}=${p.samples.cacheKey}`).join('|')}`;
    this.resolutionKey = parts[0]?.samples.resolutionKey ?? GPU_DEVICES_METRIC;
  }

  async sampleIntervals(from: Date, to: Date): Promise<number[]> {
    const all = await Promise.all(this.parts.map((p) => p.samples.sampleIntervals(from, to)));
    return all.flat();
  }

  podSamples(): SampleStream<PodKey> {
    return emptyStream();
  }

  async *containerSamples(ns: NamespaceFilter, from: Date, to: Date, pods: ContainerPodSelection): SampleStream<ContainerKey> {
    for (const c of await this.joined(ns, from, to, pods)) {
      const times = [...c.rows.keys()].sort((a, b) => a - b);
      yield { series: c.key, times, values: times.map((t) => this.devices(c.rows.get(t) as Record<string, number>)) };
    }
  }

  async *containerRowsByPod(ns: NamespaceFilter, from: Date, to: Date, pods: ContainerPodSelection): AsyncIterable<ContainerRowsPiece> {
    const byPod = new Map<string, { key: PodKey; rows: { time: number; container: string; value: number }[] }>();
    for (const c of await this.joined(ns, from, to, pods)) {
      const id = podId(c.key);
      const entry = byPod.get(id) ?? { key: { namespace: c.key.namespace, pod: c.key.pod }, rows: [] };
      for (const [time, requests] of c.rows) entry.rows.push({ time, container: c.key.container, value: this.devices(requests) });
      byPod.set(id, entry);
    }
    for (const { key, rows } of [...byPod.values()].sort((a, b) => comparePods(a.key, b.key))) {
      rows.sort((a, b) => a.time - b.time || compareNames(a.container, b.container));
      yield { series: key, times: rows.map((r) => r.time), values: rows.map((r) => r.value), containers: rows.map((r) => r.container) };
    }
  }

  async containerSampleCounts(ns: NamespaceFilter, from: Date, to: Date, bucketMs: number): Promise<readonly SamplePiece<PodKey>[]> {
    const out: SamplePiece<PodKey>[] = [];
    for (const c of await this.joined(ns, from, to, { mode: 'exclude', pods: [] })) {
      const counts = new Map<number, number>();
      for (const t of c.rows.keys()) {
        const bucket = Math.floor(t / bucketMs) * bucketMs;
        counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
      }
      const times = [...counts.keys()].sort((a, b) => a - b);
      out.push({ series: { namespace: c.key.namespace, pod: c.key.pod }, times, values: times.map((t) => counts.get(t) as number) });
    }
    return out;
  }

  /** Summed per step on the sample grid (each sample to its nearest grid time), per namespace or overall. */
  async *countedTotalsPerStep(
    ns: NamespaceFilter,
    from: Date,
    to: Date,
    stepMs: number,
    containerPods: ContainerPodSelection | undefined,
    grouping: TotalsGrouping,
  ): SampleStream<string> {
    const sums = new Map<string, Map<number, number>>();
    for (const c of await this.joined(ns, from, to, containerPods ?? { mode: 'exclude', pods: [] })) {
      const group = grouping === 'namespace' ? c.key.namespace : '';
      const steps = sums.get(group) ?? new Map<number, number>();
      for (const [t, requests] of c.rows) {
        const stamp = Math.round(t / stepMs) * stepMs;
        steps.set(stamp, (steps.get(stamp) ?? 0) + this.devices(requests));
      }
      sums.set(group, steps);
    }
    for (const group of [...sums.keys()].sort(compareNames)) {
      const steps = sums.get(group) as Map<number, number>;
      const times = [...steps.keys()].sort((a, b) => a - b);
      yield { series: group, times, values: times.map((t) => steps.get(t) as number) };
    }
  }

  /** No collector writes totals of GPU devices. */
  namespaceTotalsPerStep(): SampleStream<string> {
    return emptyStream();
  }

  async seriesPods(level: SeriesLevel, ns: NamespaceFilter, from: Date, to: Date): Promise<PodKey[]> {
    if (level === 'pod') return [];
    const seen = new Map<string, PodKey>();
    for (const part of this.parts) for (const p of await part.samples.seriesPods('container', ns, from, to)) seen.set(podId(p), p);
    return [...seen.values()].sort(comparePods);
  }

  async namespaceTotalSeries(): Promise<string[]> {
    return [];
  }

  private devices(requests: Record<string, number>): number {
    return gpuDevicesOf(requests, this.options);
  }

  /** Every part's container samples, joined per container and sample time. */
  private async joined(ns: NamespaceFilter, from: Date, to: Date, pods: ContainerPodSelection): Promise<JoinedContainer[]> {
    const containers = new Map<string, JoinedContainer>();
    for (const part of this.parts) {
      for await (const piece of part.samples.containerSamples(ns, from, to, pods)) {
        const id = `${podId(piece.series)}\u0000${piece.series.container}`;
        let c = containers.get(id);
        if (!c) {
          c = { key: piece.series, rows: new Map() };
          containers.set(id, c);
        }
        for (let i = 0; i < piece.times.length; i++) {
          const t = piece.times[i] as number;
          const row = c.rows.get(t) ?? {};
          // A resource's quantity in its own unit (a count, a percentage): stored × scale.
          row[part.resource] = (piece.values[i] as number) * part.samples.scale;
          c.rows.set(t, row);
        }
      }
    }
    return [...containers.values()].sort((a, b) => comparePods(a.key, b.key) || compareNames(a.key.container, b.key.container));
  }
}

async function* emptyStream<S>(): SampleStream<S> {
  // Nothing to read.
}
