import type { BillingBasis } from '@kube-monitoring/contract';

import { UNASSIGNED_COST_CENTRE } from './invoice';
import { Assignment, CostCentreVersion, selectorKey, TariffVersion, versionAt } from './tariffs';

/** Everything that prices a period: every version of every tariff, cost centre and assignment. */
export interface BillingTerms {
  tariffs: readonly TariffVersion[];
  costCentres: readonly CostCentreVersion[];
  assignments: readonly Assignment[];
}

export interface Interval {
  fromMs: number;
  toMs: number;
}

/**
 * The period cut at every instant a version takes effect inside it: within one interval, every
 * namespace, label, cost centre and tariff has one version, so each is measured once and priced once.
 */
export function planIntervals(fromMs: number, toMs: number, terms: BillingTerms): Interval[] {
  const cuts = new Set<number>();
  for (const v of [...terms.tariffs, ...terms.costCentres, ...terms.assignments]) {
    if (v.validFromMs > fromMs && v.validFromMs < toMs) cuts.add(v.validFromMs);
  }
  const edges = [fromMs, ...[...cuts].sort((a, b) => a - b), toMs];
  return edges.slice(1).map((to, i) => ({ fromMs: edges[i] as number, toMs: to }));
}

/** Whether any label assignment is in force during the interval (then pods are measured one by one). */
export function labelsMatter(terms: BillingTerms, interval: Interval): boolean {
  return activeLabelAssignments(terms, interval.fromMs).length > 0;
}

/** Label assignments in force at an instant (the latest version per label value, unless it ends the assignment). */
export function activeLabelAssignments(terms: BillingTerms, atMs: number): Assignment[] {
  const latest = new Map<string, Assignment>();
  for (const a of terms.assignments) {
    if (a.selector.kind !== 'label' || a.validFromMs > atMs) continue;
    const key = selectorKey(a.selector);
    const before = latest.get(key);
    if (!before || a.validFromMs > before.validFromMs) latest.set(key, a);
  }
  return [...latest.values()].filter((a) => a.costCentre !== UNASSIGNED_COST_CENTRE);
}

export interface Attribution {
  costCentre: string;
  /** Set when a label assignment, not the namespace's, decided. */
  label?: { key: string; value: string };
}

/**
 * Who pays for a pod (or a whole namespace, without labels) at an instant: a label assignment
 * matching the pod's labels wins over its namespace's (the more specific rule); among several
 * matching labels, the most recently effective, then the label key, in code unit order. Nobody:
 * `__unassigned__`.
 */
export function attribute(terms: BillingTerms, atMs: number, namespace: string, labels?: Readonly<Record<string, string>>): Attribution {
  if (labels) {
    const matching = activeLabelAssignments(terms, atMs)
      .filter((a) => a.selector.kind === 'label' && labels[a.selector.key] === a.selector.value)
      .sort((x, y) => y.validFromMs - x.validFromMs || selectorKey(x.selector).localeCompare(selectorKey(y.selector)));
    const won = matching[0];
    if (won && won.selector.kind === 'label') return { costCentre: won.costCentre, label: { key: won.selector.key, value: won.selector.value } };
  }
  const byNamespace = versionAt(
    terms.assignments.filter((a) => a.selector.kind === 'namespace' && a.selector.namespace === namespace),
    atMs,
  );
  return { costCentre: byNamespace?.costCentre ?? UNASSIGNED_COST_CENTRE };
}

/** A cost centre's terms at an instant: its version then (or its first, before it), and its tariff's version then. */
export function termsOf(terms: BillingTerms, code: string, atMs: number): { centre?: CostCentreVersion; tariff?: TariffVersion } {
  const versions = terms.costCentres.filter((c) => c.code === code);
  const centre = versionAt(versions, atMs) ?? earliest(versions);
  if (!centre) return {};
  return {
    centre,
    tariff: versionAt(
      terms.tariffs.filter((t) => t.name === centre.tariff),
      atMs,
    ),
  };
}

/** The bases the period's tariffs bill by during an interval (`usage` for what no tariff prices). */
export function basesIn(terms: BillingTerms, atMs: number): Set<BillingBasis> {
  const bases = new Set<BillingBasis>(['usage']);
  for (const code of new Set(terms.costCentres.map((c) => c.code))) {
    const { tariff } = termsOf(terms, code, atMs);
    if (tariff) bases.add(tariff.basis);
  }
  return bases;
}

export function earliest<T extends { validFromMs: number }>(versions: readonly T[]): T | undefined {
  return versions.reduce<T | undefined>((best, v) => (!best || v.validFromMs < best.validFromMs ? v : best), undefined);
}
