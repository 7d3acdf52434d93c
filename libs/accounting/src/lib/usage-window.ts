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
 * A counter's gain across a gap of at most this many steps is spread over the gap: the counter kept
 * counting while unobserved (lost scrapes, a collector restart). After a longer gap the next sample
 * starts the series afresh, as a first sample would. The bound is what makes a period's figures the
 * sum of its parts' (an hour rolled alone sees the sample before any gap it spreads): counter reads
 * reach this far beyond the period.
 */
export const MAX_COUNTED_GAP_STEPS = 30;

/**
 * How far before `from` and after `to` samples must be read so that the samples covering the
 * period's edges, and their predecessors across a bridged gap (for a counter, a counted one), are seen.
 */
export function readMarginMs(window: UsageWindow, kind: 'gauge' | 'counter' = 'gauge'): number {
  return (kind === 'counter' ? MAX_COUNTED_GAP_STEPS + 1 : MAX_BRIDGED_STEPS + 2) * window.stepMs;
}
