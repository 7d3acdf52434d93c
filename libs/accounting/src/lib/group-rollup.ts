import { SeriesAccumulator, SeriesFigures, emptyFigures } from './series-accumulator';
import { UsageWindow } from './usage-window';

/** Identity of a pod: the same name may exist in two namespaces (SPEC §4). */
export interface PodKey {
  namespace: string;
  pod: string;
}

export interface PodFigures extends PodKey {
  figures: SeriesFigures;
}

export interface NamespaceFigures {
  namespace: string;
  figures: SeriesFigures;
  pods: number;
}

function podId(k: PodKey): string {
  // A NUL byte cannot occur in Kubernetes names, so the join is unambiguous.
  return `${k.namespace}\u0000${k.pod}`;
}

/**
 * Accumulates samples of many pod-level series (one accumulator per pod, so memory grows with
 * the number of series, never with the number of samples) and rolls them up.
 */
export class PodUsageCollector {
  private readonly pods = new Map<string, { key: PodKey; acc: SeriesAccumulator }>();

  constructor(private readonly window: UsageWindow) {}

  /** Returns the accumulator of a pod, created on first use. */
  accumulatorFor(key: PodKey): SeriesAccumulator {
    const id = podId(key);
    let entry = this.pods.get(id);
    if (!entry) {
      entry = { key: { ...key }, acc: new SeriesAccumulator(this.window) };
      this.pods.set(id, entry);
    }
    return entry.acc;
  }

  has(key: PodKey): boolean {
    return this.pods.has(podId(key));
  }

  /** Pods with at least some coverage or a sample in the period. */
  podFigures(): PodFigures[] {
    const out: PodFigures[] = [];
    for (const { key, acc } of this.pods.values()) {
      const figures = acc.result();
      if (figures.coveredMs > 0 || figures.samples > 0) out.push({ ...key, figures });
    }
    return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.pod.localeCompare(b.pod));
  }
}

/** Sums pods into namespaces: usage adds up; `max` is the largest pod peak; coverage the longest. */
export function rollupNamespaces(pods: readonly PodFigures[]): NamespaceFigures[] {
  const byNs = new Map<string, NamespaceFigures>();
  for (const p of pods) {
    let ns = byNs.get(p.namespace);
    if (!ns) {
      ns = { namespace: p.namespace, figures: emptyFigures(), pods: 0 };
      byNs.set(p.namespace, ns);
    }
    const f = ns.figures;
    f.integral += p.figures.integral;
    f.increase += p.figures.increase;
    f.samples += p.figures.samples;
    f.sum += p.figures.sum;
    f.max = Math.max(f.max, p.figures.max);
    f.coveredMs = Math.max(f.coveredMs, p.figures.coveredMs);
    ns.pods++;
  }
  return [...byNs.values()].sort((a, b) => a.namespace.localeCompare(b.namespace));
}

/** Time-weighted mean over the covered time, in the metric's unit. */
export function averageOf(f: SeriesFigures): number {
  return f.coveredMs > 0 ? f.integral / (f.coveredMs / 1000) : 0;
}
