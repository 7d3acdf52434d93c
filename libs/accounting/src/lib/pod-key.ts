/** Identity of a pod: the same name may exist in two namespaces. */
export interface PodKey {
  namespace: string;
  pod: string;
}

/** One container of a pod. */
export interface ContainerKey extends PodKey {
  container: string;
}

/** A pod's identity as one string, for maps and sets. */
export function podId(k: PodKey): string {
  // A NUL byte cannot occur in Kubernetes names, so the join is unambiguous.
  return `${k.namespace}\u0000${k.pod}`;
}

/**
 * The one order of names in every answer: UTF-16 code units, the same on every machine and locale
 * (for Kubernetes names — lower-case letters, digits, `-` and `.` — it is also the alphabetical order).
 */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Pods by namespace, then name. */
export function comparePods(a: PodKey, b: PodKey): number {
  return compareNames(a.namespace, b.namespace) || compareNames(a.pod, b.pod);
}
