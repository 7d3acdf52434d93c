import { addDisjointFigures, SeriesFigures } from '../figures';
import { PodFigures } from '../group-rollup';
import { comparePods, podId } from '../pod-key';
import { MetricSamples, NamespaceFilter } from '../sample-reader';
import { MetricUsage, UsageOptions, UsagePeriod } from '../usage-engine';
import { LedgerReader } from './ledger-reader';
import { HOUR_MS, hourCeil, hourFloor, UsageSpan } from './ledger-records';

/** A metric's usage with where each part of the period was read. */
export interface StitchedUsage extends MetricUsage {
  spans: UsageSpan[];
}

/** The live computation of a part of the period. */
export type LiveUsage = (samples: MetricSamples, period: UsagePeriod, ns: NamespaceFilter, stepMs: number, options: UsageOptions) => Promise<MetricUsage>;

/**
 * The spans of a period: its whole hours rolled in the ledger, and the rest (partial hours at the
 * edges, hours not rolled yet) live. Adjacent spans of one source are one span.
 */
export function planSpans(fromMs: number, toMs: number, rolledHours: readonly number[]): UsageSpan[] {
  const rolled = new Set(rolledHours);
  const spans: UsageSpan[] = [];
  const push = (a: number, b: number, source: UsageSpan['source']) => {
    if (b <= a) return;
    const last = spans[spans.length - 1];
    if (last && last.source === source && last.toMs === a) last.toMs = b;
    else spans.push({ fromMs: a, toMs: b, source });
  };
  const firstHour = hourCeil(fromMs);
  const endHour = hourFloor(toMs);
  if (firstHour >= endHour) {
    push(fromMs, toMs, 'live');
    return spans;
  }
  push(fromMs, firstHour, 'live');
  for (let h = firstHour; h < endHour; h += HOUR_MS) push(h, h + HOUR_MS, rolled.has(h) ? 'ledger' : 'live');
  push(endHour, toMs, 'live');
  return spans;
}

/**
 * A metric's usage over a period from the ledger's rolled hours and the live computation for the
 * rest, stitched at hour boundaries. The figures are those of the live computation over the whole
 * period: pods' and namespaces' figures add up over disjoint spans (coverage too), peaks are the
 * largest, and the total over the selected namespaces is that of the rolled hours, each computed
 * from the namespaces' per-step series (`LedgerReader.totalFigures`), plus the live spans'.
 */
export async function stitchedUsage(
  ledger: LedgerReader,
  live: LiveUsage,
  samples: MetricSamples,
  period: UsagePeriod,
  ns: NamespaceFilter,
  stepMs: number,
  options: UsageOptions = {},
): Promise<StitchedUsage> {
  const fromMs = period.from.getTime();
  const toMs = period.to.getTime();
  const whole = (): Promise<StitchedUsage> => live(samples, period, ns, stepMs, options).then((u) => ({ ...u, spans: [{ fromMs, toMs, source: 'live' }] }));
  if (!ledger.metrics.includes(samples.metric)) return whole();
  const rolled = await ledger.rolledHours(hourCeil(fromMs), hourFloor(toMs), samples.metric);
  if (rolled.length === 0) return whole();
  const spans = planSpans(fromMs, toMs, rolled);
  const first = rolled[0] as number;
  const end = (rolled[rolled.length - 1] as number) + HOUR_MS;
  // Every read is started here and awaited together: one failure fails the answer, none goes unobserved.
  const [livePieces, ledgerPods, ledgerNamespaces, ledgerTotal] = await Promise.all([
    Promise.all(
      spans.filter((s) => s.source === 'live').map((s) => live(samples, { from: new Date(s.fromMs), to: new Date(s.toMs) }, ns, stepMs, { ...options, stepSeries: false })),
    ),
    ledger.podFigures(samples.metric, first, end, ns),
    options.namespaces ? ledger.namespaceFigures(samples.metric, first, end, ns) : undefined,
    options.total ? ledger.totalFigures(samples.metric, first, end, ns) : undefined,
  ]);

  const pods = new Map<string, PodFigures>();
  const addPod = (p: PodFigures) => {
    const id = podId(p);
    const known = pods.get(id);
    pods.set(id, known ? { ...known, figures: addDisjointFigures(known.figures, p.figures) } : p);
  };
  ledgerPods.forEach(addPod);
  for (const piece of livePieces) piece.pods.forEach(addPod);

  const namespaces = new Map<string, SeriesFigures>(ledgerNamespaces);
  const addNamespace = (namespace: string, f: SeriesFigures) => {
    const known = namespaces.get(namespace);
    namespaces.set(namespace, known ? addDisjointFigures(known, f) : f);
  };
  let total: SeriesFigures | undefined = ledgerTotal;
  for (const piece of livePieces) {
    if (options.namespaces) piece.namespaces.forEach((f, k) => addNamespace(k, f));
    if (options.total && piece.total) total = addDisjointFigures(total as SeriesFigures, piece.total);
  }
  return { stepMs, pods: [...pods.values()].sort(comparePods), namespaces, total, spans };
}
