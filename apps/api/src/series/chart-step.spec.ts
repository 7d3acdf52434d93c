import { chooseChartStepSeconds, MAX_CHART_POINTS, pointsFor } from './chart-step';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('chooseChartStepSeconds', () => {
  const periods = [5 * MINUTE, HOUR, 6 * HOUR, DAY, 7 * DAY, 30 * DAY, 92 * DAY, 366 * DAY, 17 * MINUTE + 3_000, 3 * DAY + 5 * HOUR];
  const sampleSteps = [10_000, 15_000, 30_000, 45_000, 60_000, 300_000];

  it.each(periods.flatMap((p) => sampleSteps.map((s) => [p, s])))('should give at most 500 points for %p ms sampled every %p ms', (periodMs, stepMs) => {
    const step = chooseChartStepSeconds(periodMs, stepMs);
    expect(pointsFor(periodMs, step)).toBeLessThanOrEqual(MAX_CHART_POINTS);
    // Whole samples per bucket, never finer than the samples.
    expect(step % (stepMs / 1000)).toBe(0);
    expect(step).toBeGreaterThanOrEqual(stepMs / 1000);
  });

  it.each([
    [HOUR, 60_000, 60],
    [DAY, 60_000, 180],
    [7 * DAY, 60_000, 1800],
    [30 * DAY, 60_000, 7200],
    [HOUR, 10_000, 10],
    [366 * DAY, 60_000, 86400],
  ])('should pick a readable step: %p ms at %p ms → %p s', (periodMs, stepMs, expected) => {
    expect(chooseChartStepSeconds(periodMs, stepMs)).toBe(expected);
  });
});
