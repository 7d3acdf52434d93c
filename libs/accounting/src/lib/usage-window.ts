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
 * A gap between two samples longer than this many steps is time with no usage (a stopped pod),
 * never interpolated across (SPEC §4).
 */
export const MAX_BRIDGED_STEPS = 2;

/**
 * How far before `from` and after `to` samples must be read so that the samples covering the
 * period's edges are seen.
 */
export function readMarginMs(window: UsageWindow): number {
  return MAX_BRIDGED_STEPS * window.stepMs;
}
