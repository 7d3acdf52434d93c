import { compareNames, podId, PodKey } from './pod-key';

/** How many samples a pod has on one node over a period (a pod's name can run on several: a StatefulSet pod rescheduled). */
export interface PodNodeSamples extends PodKey {
  node: string;
  samples: number;
}

/** One node's part of a pod's figures. */
export interface NodeShare {
  node: string;
  /** 0..1; a pod's shares sum to 1. */
  share: number;
}

/**
 * Per pod, the nodes it ran on and the part of its figures each gets: its samples on that node over
 * all its samples (a pod that ran on one node gets share 1). Counts of one pod and node from several
 * reads (ledger hours and live spans) are added.
 */
export function nodeSharesOf(counts: Iterable<PodNodeSamples>): Map<string, NodeShare[]> {
  const perPod = new Map<string, Map<string, number>>();
  for (const c of counts) {
    if (!(c.samples > 0)) continue;
    const id = podId(c);
    const nodes = perPod.get(id) ?? new Map<string, number>();
    nodes.set(c.node, (nodes.get(c.node) ?? 0) + c.samples);
    perPod.set(id, nodes);
  }
  const out = new Map<string, NodeShare[]>();
  for (const [id, nodes] of perPod) {
    const total = [...nodes.values()].reduce((a, b) => a + b, 0);
    out.set(
      id,
      [...nodes.entries()].sort(([a], [b]) => compareNames(a, b)).map(([node, n]) => ({ node, share: n / total })),
    );
  }
  return out;
}
