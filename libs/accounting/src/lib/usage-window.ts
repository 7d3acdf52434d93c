/**
 * The period an account is computed for, in epoch milliseconds: `from` inclusive, `to` exclusive,
 * and the sample resolution that decides how far one sample reaches back.
 */
export interface UsageWindow {
  fromMs: number;
  toMs: number;
  stepMs: number;
}

/**
 * A gap in the data longer than this many steps is time with no usage (a stopped pod), never
 * interpolated across (docs/accounting.md §4). The gap is the time no sample accounts for: between the previous
 * sample and the start of the next sample's own step. One or two lost scrapes leave a gap of one or
 * two steps and are bridged; a pod stopped for longer is not.
 */
export const MAX_BRIDGED_STEPS = 2;

/** Scrape jitter tolerated on top of the gap, in steps (jitter stays below half a step). */
export const JITTER_TOLERANCE_STEPS = 0.5;

/** Whether two consecutive samples `intervalMs` apart are bridged (at most two scrapes lost). */
export function isBridged(intervalMs: number, stepMs: number): boolean {
  return intervalMs - stepMs <= (MAX_BRIDGED_STEPS + JITTER_TOLERANCE_STEPS) * stepMs;
}

/** Whether scrapes were lost between two consecutive samples (clearly more than one step apart). */
export function hasLostScrapes(intervalMs: number, stepMs: number): boolean {
  return intervalMs >= (1 + JITTER_TOLERANCE_STEPS) * stepMs;
}

/**
 * How far before `from` and after `to` samples must be read so that the samples covering the
 * period's edges, and their predecessors across a bridged gap, are seen.
 */
export function readMarginMs(window: UsageWindow): number {
  return (MAX_BRIDGED_STEPS + 2) * window.stepMs;
}
