/**
 * A namespace's peak the database cannot show. Where the collector writes its own namespace series
 * (Heapster's `type=ns` for CPU and memory) it holds the namespace's sum at every scrape, lost pod
 * scrapes included. Without one (Telegraf for everything, Heapster for GPU memory), the namespace
 * total is the sum of the pod samples that arrived: a pod scrape lost at the namespace's busiest
 * step leaves that total lower than it was, and no accounting can know by how much. The suite allows
 * exactly that difference, as it allows for lost first and last scrapes of a life (lost-edges.ts).
 */
import type { StorageSchema } from '@kube-monitoring/influx';
import type { ClusterSimulator } from '@kube-monitoring/simulator';

import type { CheckedFigure } from './ground-truth-compare';
import type { LostUsage } from './lost-edges';

type PeakFigure = Extract<CheckedFigure, 'cpu_cores_peak' | 'memory_gib_peak' | 'gpu_memory_gb_peak'>;

/** Peaks read from a namespace series the collector writes, per schema (no allowance for those). */
const NAMESPACE_SERIES: Record<StorageSchema, readonly PeakFigure[]> = {
  heapster: ['cpu_cores_peak', 'memory_gib_peak'],
  telegraf: [],
};

/** Per namespace: true peak − largest total of the pod samples that arrived, for peaks without a namespace series. */
export function unseenPeaks(simulator: ClusterSimulator, from: string, to: string, schema: StorageSchema): Map<string, LostUsage> {
  const fromS = Date.parse(from) / 1000;
  const toS = Date.parse(to) / 1000;
  const all = new Map<string, Record<PeakFigure, number>>();
  const arrived = new Map<string, Record<PeakFigure, number>>();
  const raise = (peaks: Map<string, Record<PeakFigure, number>>, ns: string, sums: Record<PeakFigure, number>) => {
    const p = peaks.get(ns) ?? { cpu_cores_peak: 0, memory_gib_peak: 0, gpu_memory_gb_peak: 0 };
    for (const f of Object.keys(sums) as PeakFigure[]) p[f] = Math.max(p[f], sums[f]);
    peaks.set(ns, p);
  };
  for (const frame of simulator.frames({ from: new Date(fromS * 1000), to: new Date(toS * 1000) }, { nodes: false })) {
    const sums = new Map<string, { all: Record<PeakFigure, number>; arrived: Record<PeakFigure, number> }>();
    for (const pod of frame.pods) {
      const entry = sums.get(pod.pod.namespace) ?? {
        all: { cpu_cores_peak: 0, memory_gib_peak: 0, gpu_memory_gb_peak: 0 },
        arrived: { cpu_cores_peak: 0, memory_gib_peak: 0, gpu_memory_gb_peak: 0 },
      };
      const values: Record<PeakFigure, number> = {
        cpu_cores_peak: pod.cpuMillicores / 1000,
        memory_gib_peak: pod.memoryBytes / 2 ** 30,
        gpu_memory_gb_peak: (pod.gpuMegabytes ?? 0) / 1000,
      };
      for (const f of Object.keys(values) as PeakFigure[]) {
        entry.all[f] += values[f];
        if (!pod.missing) entry.arrived[f] += values[f];
      }
      sums.set(pod.pod.namespace, entry);
    }
    for (const [ns, s] of sums) {
      raise(all, ns, s.all);
      raise(arrived, ns, s.arrived);
    }
  }
  const out = new Map<string, LostUsage>();
  for (const [ns, peaks] of all) {
    const lost: LostUsage = {};
    for (const f of Object.keys(peaks) as PeakFigure[]) {
      if (NAMESPACE_SERIES[schema].includes(f)) continue;
      const unseen = peaks[f] - (arrived.get(ns)?.[f] ?? 0);
      if (unseen > 0) lost[f] = unseen;
    }
    if (Object.keys(lost).length > 0) out.set(ns, lost);
  }
  return out;
}
