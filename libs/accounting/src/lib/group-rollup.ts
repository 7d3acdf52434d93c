import { addConcurrentFigures, emptyFigures, SeriesFigures, touchesPeriod, withGroupTotal } from './figures';
import { compareNames, comparePods, podId, PodKey } from './pod-key';
import { SeriesAccumulator } from './series-accumulator';
import { UsageWindow } from './usage-window';

export interface PodFigures extends PodKey {
  figures: SeriesFigures;
}

export interface NamespaceFigures {
  namespace: string;
  figures: SeriesFigures;
  /** Pods counted in the namespace (0 for a namespace known from its total only). */
  pods: number;
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
      entry = { key: { namespace: key.namespace, pod: key.pod }, acc: new SeriesAccumulator(this.window) };
      this.pods.set(id, entry);
    }
    return entry.acc;
  }

  /** Every pod a sample was added for, in the period or not. */
  podsRead(): PodKey[] {
    return [...this.pods.values()].map((e) => e.key);
  }

  /** Pods with at least some coverage or a sample in the period, in pod order. */
  podFigures(): PodFigures[] {
    const out: PodFigures[] = [];
    for (const { key, acc } of this.pods.values()) {
      const figures = acc.result();
      if (touchesPeriod(figures)) out.push({ ...key, figures });
    }
    return out.sort(comparePods);
  }
}

/**
 * The namespace rollup: a namespace is the sum of its pods, with the coverage and the peak of its
 * own total per step where one is given (`totals`). A namespace with a total but no pod counted
 * gets a row too (`pods: 0`). In namespace order.
 */
export function rollupNamespaces(pods: readonly PodFigures[], totals: ReadonlyMap<string, SeriesFigures> = new Map()): NamespaceFigures[] {
  const byNs = new Map<string, NamespaceFigures>();
  const entryOf = (namespace: string) => {
    let ns = byNs.get(namespace);
    if (!ns) {
      ns = { namespace, figures: emptyFigures(), pods: 0 };
      byNs.set(namespace, ns);
    }
    return ns;
  };
  for (const p of pods) {
    const ns = entryOf(p.namespace);
    ns.figures = addConcurrentFigures(ns.figures, p.figures);
    ns.pods++;
  }
  for (const [namespace, total] of totals) {
    const ns = entryOf(namespace);
    ns.figures = withGroupTotal(ns.figures, total);
  }
  return [...byNs.values()].sort((a, b) => compareNames(a.namespace, b.namespace));
}

/** Every pod together: their sum, with the coverage and peak of the total per step where given. */
export function rollupTotal(pods: readonly PodFigures[], total: SeriesFigures | undefined): SeriesFigures {
  let sum = emptyFigures();
  for (const p of pods) sum = addConcurrentFigures(sum, p.figures);
  return total ? withGroupTotal(sum, total) : sum;
}
