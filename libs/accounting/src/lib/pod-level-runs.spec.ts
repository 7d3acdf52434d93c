import { countBucketMs, PodLevelRuns } from './pod-level-runs';

const STEP = 60_000;
const HOUR = 3_600_000;

describe(PodLevelRuns.name, () => {
  it('should cover each sample’s step and bridge up to two lost scrapes, not a stop', () => {
    const runs = new PodLevelRuns(STEP, HOUR);
    for (const m of [10, 11, 12, 15, 40, 41]) runs.add('ns/pod', m * STEP);
    expect(runs.covers('ns/pod', 9.5 * STEP)).toBe(true);
    expect(runs.covers('ns/pod', 14 * STEP)).toBe(true);
    expect(runs.covers('ns/pod', 25 * STEP)).toBe(false);
    expect(runs.covers('ns/pod', 41 * STEP + 20_000)).toBe(true);
    expect(runs.covers('ns/pod', 43 * STEP)).toBe(false);
    expect(runs.covers('ns/other', 12 * STEP)).toBe(false);
  });

  it('should count samples per bucket', () => {
    const runs = new PodLevelRuns(STEP, HOUR);
    for (let m = 0; m < 90; m++) runs.add('ns/pod', m * STEP);
    expect(runs.samplesIn('ns/pod', 0)).toBe(60);
    expect(runs.samplesIn('ns/pod', HOUR + 5)).toBe(30);
    expect(runs.samplesIn('ns/pod', 2 * HOUR)).toBe(0);
  });
});

describe('countBucketMs', () => {
  it('should give about a hundred buckets in whole hours, or whole steps below an hour', () => {
    expect(countBucketMs(30 * 24 * HOUR, STEP)).toBe(8 * HOUR);
    expect(countBucketMs(24 * HOUR, STEP)).toBe(15 * STEP);
    expect(countBucketMs(HOUR, STEP)).toBe(STEP);
  });
});
