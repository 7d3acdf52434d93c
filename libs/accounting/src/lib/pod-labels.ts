import { compareNames, podId, PodKey } from './pod-key';

/** A pod's Kubernetes labels: key → value (a value may be empty, as Kubernetes allows). */
export type PodLabels = Readonly<Record<string, string>>;

/** One pod's labels as seen in the samples (or in the ledger's row of an hour), and when. */
export interface PodLabelObservation extends PodKey {
  labels: PodLabels;
  /**
   * The latest instant these labels were seen (epoch ms): a sample's time, or the start of a rolled
   * hour for the ledger's rows (hours are disjoint from the live spans, so their order is kept).
   */
  atMs: number;
}

/**
 * The labels with their keys in the one name order (`compareNames`), entries with an empty key left
 * out. Built with `Object.fromEntries`, so no key (not even `__proto__`) is lost or reaches the prototype.
 */
export function canonicalLabels(labels: PodLabels): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels)
      .filter(([key]) => key !== '')
      .sort(([a], [b]) => compareNames(a, b)),
  );
}

/**
 * The canonical text of a label set: a JSON object with its keys sorted (written out pair by pair,
 * as a plain object orders integer-like keys such as `"10"` first). Equal sets give equal text.
 */
export function labelsText(labels: PodLabels): string {
  const pairs = Object.entries(canonicalLabels(labels)).sort(([a], [b]) => compareNames(a, b));
  return `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

/**
 * One label set per pod (by `podId`) from observations over a period, from any number of reads (ledger
 * hours and live spans alike):
 *
 * - the **latest observation wins**: a pod relabelled during the period has its newest labels, whole —
 *   sets are never merged key by key, so a label removed along the way is gone;
 * - at the same instant (two series of one pod seen with different sets in one scrape), the set whose
 *   canonical text sorts last wins, so the answer does not depend on the order of the reads;
 * - an empty set is no observation (the ledger keeps only pods with labels, and both paths must give
 *   the same answer): a pod seen without labels only is absent, one whose labels were all removed
 *   keeps its last ones.
 *
 * Each winner's labels are canonical (`canonicalLabels`).
 */
export function mergePodLabels(observations: Iterable<PodLabelObservation>): Map<string, PodLabelObservation> {
  const out = new Map<string, PodLabelObservation>();
  const texts = new Map<string, string>();
  for (const o of observations) {
    const labels = canonicalLabels(o.labels);
    if (Object.keys(labels).length === 0 || !Number.isFinite(o.atMs)) continue;
    const id = podId(o);
    const text = labelsText(labels);
    const held = out.get(id);
    if (held && (held.atMs > o.atMs || (held.atMs === o.atMs && compareNames(texts.get(id) ?? '', text) >= 0))) continue;
    out.set(id, { namespace: o.namespace, pod: o.pod, labels, atMs: o.atMs });
    texts.set(id, text);
  }
  return out;
}
