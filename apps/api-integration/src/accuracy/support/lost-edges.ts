/**
 * Usage the database never received: the windows of a pod life's first and last scrapes when those
 * scrapes were lost. Nothing before a life's first delivered sample, or after its last, tells that the
 * pod ran then, so no accounting can find that usage; the suite allows for exactly that amount.
 * (Lost scrapes inside a life are bridged and estimated, and get no allowance.)
 */
import type { ClusterSimulator, PodSample } from '@kube-monitoring/simulator';

import type { CheckedFigure } from './ground-truth-compare';

export type LostUsage = Partial<Record<CheckedFigure, number>>;

export function lostEdgeUsage(simulator: ClusterSimulator, from: string, to: string): Map<string, LostUsage> {
  const fromS = Date.parse(from) / 1000;
  const toS = Date.parse(to) / 1000;
  const step = simulator.options.stepSeconds;
  // Lives are followed from a little before the period so a life's first scrape is always seen.
  const lives = new Map<string, { pod: string; samples: PodSample[] }>();
  for (const frame of simulator.frames({ from: new Date((fromS - 4 * step) * 1000), to: new Date((toS + 4 * step) * 1000) }, { nodes: false })) {
    for (const sample of frame.pods) {
      let life = lives.get(sample.lifeId);
      if (!life) {
        life = { pod: `${sample.pod.namespace}/${sample.pod.name}`, samples: [] };
        lives.set(sample.lifeId, life);
      }
      life.samples.push(sample);
    }
  }
  const out = new Map<string, LostUsage>();
  const add = (pod: string, s: PodSample) => {
    // A gauge sample is its window's average: the lost usage is value × the window's part in the period.
    const seconds = Math.min(s.time, toS) - Math.max(s.time - s.windowSeconds, fromS);
    if (seconds <= 0) return;
    const lost = out.get(pod) ?? {};
    lost.cpu_core_hours = (lost.cpu_core_hours ?? 0) + (s.cpuMillicores * seconds) / 1000 / 3600;
    lost.memory_gib_hours = (lost.memory_gib_hours ?? 0) + (s.memoryBytes * seconds) / 2 ** 30 / 3600;
    lost.gpu_memory_gb_hours = (lost.gpu_memory_gb_hours ?? 0) + ((s.gpuMegabytes ?? 0) * seconds) / 1000 / 3600;
    out.set(pod, lost);
  };
  for (const { pod, samples } of lives.values()) {
    for (const s of samples) {
      if (!s.missing) break;
      add(pod, s);
    }
    for (let i = samples.length - 1; i >= 0; i--) {
      const s = samples[i] as PodSample;
      if (!s.missing) break;
      // A life with every scrape lost was counted by the first loop already.
      if (samples.every((x) => x.missing)) break;
      add(pod, s);
    }
  }
  return out;
}
