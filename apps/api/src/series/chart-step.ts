/** Default: a period gives at most this many points per line. */
export const MAX_CHART_POINTS = 500;
/** A requested step may give at most this many points per line. */
export const MAX_REQUESTED_POINTS = 10_000;

/** Steps a person reads easily on an axis: 1 s … 30 days. */
const NICE_SECONDS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000];

/**
 * The chart step for a period: the smallest readable step that is a whole number of sample steps
 * and gives at most MAX_CHART_POINTS points. Never finer than the samples.
 */
export function chooseChartStepSeconds(periodMs: number, sampleStepMs: number): number {
  const sampleS = Math.max(1, Math.round(sampleStepMs / 1000));
  const neededS = Math.max(sampleS, Math.ceil(periodMs / 1000 / MAX_CHART_POINTS));
  const nice = NICE_SECONDS.find((s) => s >= neededS && s % sampleS === 0);
  return nice ?? Math.ceil(neededS / sampleS) * sampleS;
}

/** Points one line gets over a period at a step (the last bucket may be partial). */
export function pointsFor(periodMs: number, stepS: number): number {
  return Math.ceil(periodMs / (stepS * 1000));
}
