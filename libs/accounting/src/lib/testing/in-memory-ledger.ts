import { addDisjointFigures, SeriesFigures } from '../figures';
import { PodFigures } from '../group-rollup';
import { totalOfHours } from '../ledger/hour-totals';
import { LedgerReader } from '../ledger/ledger-reader';
import { MetricHour, StoredNamespaceHour } from '../ledger/ledger-records';
import { compareNames, comparePods, podId } from '../pod-key';
import { NamespaceFilter } from '../sample-reader';

/** The ledger kept in memory, for the accounting's own specs (the SQL store has its own suite). */
export class InMemoryLedger implements LedgerReader {
  private readonly hours = new Map<string, MetricHour>();

  constructor(readonly metrics: readonly string[]) {}

  write(hour: MetricHour): void {
    this.hours.set(`${hour.metric}@${hour.hourMs}`, hour);
  }

  async rolledHours(fromMs: number, toMs: number, metric?: string): Promise<number[]> {
    const starts = new Set<number>();
    for (const h of this.hours.values()) if (h.hourMs >= fromMs && h.hourMs < toMs && (metric === undefined || h.metric === metric)) starts.add(h.hourMs);
    return [...starts].sort((a, b) => a - b);
  }

  async podFigures(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter): Promise<PodFigures[]> {
    const out = new Map<string, PodFigures>();
    for (const h of this.select(metric, fromMs, toMs)) {
      for (const p of h.pods) {
        if (!inFilter(ns, p.namespace)) continue;
        const known = out.get(podId(p));
        out.set(podId(p), known ? { ...known, figures: addDisjointFigures(known.figures, p.figures) } : p);
      }
    }
    return [...out.values()].sort(comparePods);
  }

  async namespaceFigures(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter): Promise<Map<string, SeriesFigures>> {
    const out = new Map<string, SeriesFigures>();
    for (const h of await this.namespaceHours(metric, fromMs, toMs, ns, false)) {
      const known = out.get(h.namespace);
      out.set(h.namespace, known ? addDisjointFigures(known, h.figures) : h.figures);
    }
    return new Map([...out].sort(([a], [b]) => compareNames(a, b)));
  }

  async totalFigures(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter): Promise<SeriesFigures> {
    return totalOfHours(await this.namespaceHours(metric, fromMs, toMs, ns, true));
  }

  async namespaceHours(metric: string, fromMs: number, toMs: number, ns: NamespaceFilter, withSteps: boolean): Promise<StoredNamespaceHour[]> {
    return this.select(metric, fromMs, toMs).flatMap((h) =>
      h.namespaces
        .filter((n) => inFilter(ns, n.namespace))
        .map((n) => ({ hourMs: h.hourMs, stepMs: h.stepMs, scale: h.scale, namespace: n.namespace, pods: n.pods, figures: n.figures, ...(withSteps ? { steps: n.steps } : {}) })),
    );
  }

  async stepMs(metric: string, fromMs: number, toMs: number): Promise<number | undefined> {
    const hours = new Map<number, number>();
    for (const h of this.select(metric, fromMs, toMs)) if (h.namespaces.length > 0) hours.set(h.stepMs, (hours.get(h.stepMs) ?? 0) + 1);
    let best: number | undefined;
    // Hours come in time order and a Map keeps first insertion: on a tie the earliest hour's step stays.
    for (const [step, n] of hours) if (best === undefined || n > (hours.get(best) as number)) best = step;
    return best;
  }

  private select(metric: string, fromMs: number, toMs: number): MetricHour[] {
    return [...this.hours.values()].filter((h) => h.metric === metric && h.hourMs >= fromMs && h.hourMs < toMs).sort((a, b) => a.hourMs - b.hourMs);
  }
}

function inFilter(ns: NamespaceFilter, namespace: string): boolean {
  if (ns.only && !ns.only.includes(namespace)) return false;
  return !(ns.exclude ?? []).includes(namespace);
}
