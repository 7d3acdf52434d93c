import { PodFigures } from './group-rollup';
import { podId } from './pod-key';

/**
 * What a pod holds over its lives, from a request series and the pod's uptime.
 *
 * A collector writes a request as the pod spec gives it, the same at every scrape: the first sample
 * of a life also speaks for the part of its step before the pod started, the last for the part after
 * it stopped — up to a step at each end, 40 % of a job of a few minutes. The increase of the pod's
 * uptime counter (Heapster's `uptime`, ms since the pod started, frozen when it stops) is the time it
 * ran in the period, exactly. So a request's figure becomes its time-weighted mean over the time its
 * samples cover, times the time the pod ran: exact for a request that holds over each life (requests
 * change only when a pod is created again). Pods without uptime keep their figures (a schema that
 * writes none: the edges then count up to a step each).
 *
 * Applied to the figures of a whole report period (ledger hours and live spans together): hours hold
 * the raw request and uptime figures, so any period can be computed from them.
 */
export function clipToLives(requests: readonly PodFigures[], uptime: readonly PodFigures[]): PodFigures[] {
  const ranMs = new Map(uptime.map((u) => [podId(u), u.figures.increase]));
  return requests.map((r) => {
    const ran = ranMs.get(podId(r));
    const { integral, coveredMs } = r.figures;
    if (ran === undefined || !(coveredMs > 0) || !(ran >= 0)) return r;
    // The pod held its request while it ran, also through lost scrapes its samples do not cover.
    const held = (integral / coveredMs) * ran;
    return { ...r, figures: { ...r.figures, integral: held } };
  });
}
