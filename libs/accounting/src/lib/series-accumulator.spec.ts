import { SeriesAccumulator } from './series-accumulator';
import { detectStepMs } from './step-detection';
import { MAX_COUNTED_GAP_STEPS } from './usage-window';

const STEP = 60_000;
const window = (fromMs: number, toMs: number) => ({ fromMs, toMs, stepMs: STEP });

function feed(acc: SeriesAccumulator, samples: [number, number][]) {
  for (const [t, v] of samples) acc.add(t, v);
  return acc.result();
}

describe(SeriesAccumulator.name, () => {
  it('should integrate a constant gauge as value × time', () => {
    // 1000 mcores sampled every minute for one hour = 1000 mcore-hours = 3.6e6 mcore-seconds.
    const samples: [number, number][] = [];
    for (let t = STEP; t <= 60 * STEP; t += STEP) samples.push([t, 1000]);
    const f = feed(new SeriesAccumulator(window(0, 60 * STEP)), samples);
    expect(f.integral).toBeCloseTo(3.6e6);
    expect(f.coveredMs).toBe(60 * STEP);
    expect(f.samples).toBe(59); // the sample stamped at `to` is outside [from, to)
  });

  it('should bridge one missed sample and not a long gap', () => {
    const acc = new SeriesAccumulator(window(0, 100 * STEP));
    // samples at 1..10 min, 12 (11 missing: bridged), then 30..40 (stopped pod: not bridged)
    const samples: [number, number][] = [];
    for (let m = 1; m <= 10; m++) samples.push([m * STEP, 100]);
    samples.push([12 * STEP, 100]);
    for (let m = 30; m <= 40; m++) samples.push([m * STEP, 100]);
    const f = feed(acc, samples);
    expect(f.coveredMs).toBe((12 + 11) * STEP);
    expect(f.integral).toBeCloseTo((100 * (23 * STEP)) / 1000);
  });

  it('should bridge two lost scrapes with the mean of the samples around them', () => {
    // 100 at 1 min, then 10:02 and 10:03 lost, 400 at 4 min: the lost steps are estimated at 250.
    const f = feed(new SeriesAccumulator(window(0, 10 * STEP)), [
      [STEP, 100],
      [4 * STEP, 400],
    ]);
    expect(f.coveredMs).toBe(4 * STEP);
    expect(f.integral).toBeCloseTo((100 * STEP + 250 * 2 * STEP + 400 * STEP) / 1000);
  });

  it('should not bridge three lost scrapes (a stopped pod), even with jitter', () => {
    const f = feed(new SeriesAccumulator(window(0, 10 * STEP)), [
      [STEP, 100],
      [5 * STEP - 4_000, 100],
    ]);
    expect(f.coveredMs).toBe(2 * STEP);
  });

  it('should bridge one lost scrape when jitter stretches the gap past two steps', () => {
    const f = feed(new SeriesAccumulator(window(0, 10 * STEP)), [
      [STEP - 4_000, 100],
      [3 * STEP + 4_000, 100],
    ]);
    // The first sample covers (-4 s, 56 s], clipped at 0; the second bridges back to it.
    expect(f.coveredMs).toBe(56_000 + 128_000);
  });

  it('should clip windows cut by the period edges', () => {
    const f = feed(new SeriesAccumulator(window(30_000, 90_000)), [
      [STEP, 10],
      [2 * STEP, 20],
    ]);
    // first window (0, 60 s] contributes 30 s × 10; second (60, 120] contributes 30 s × 20
    expect(f.integral).toBeCloseTo(30 * 10 + 30 * 20);
    expect(f.coveredMs).toBe(60_000);
  });

  it('should ignore duplicates of a timestamp', () => {
    const f = feed(new SeriesAccumulator(window(0, 10 * STEP)), [
      [STEP, 10],
      [STEP, 10],
      [2 * STEP, 10],
    ]);
    expect(f.integral).toBeCloseTo(10 * 120);
  });

  it('should compute a counter increase across a reset', () => {
    const f = feed(new SeriesAccumulator(window(-10 * STEP, 10 * STEP)), [
      [-STEP, 40],
      [STEP, 100],
      [2 * STEP, 150],
      [3 * STEP, 20], // reset: counted as 20 from zero
      [4 * STEP, 50],
    ]);
    // The first sample counts from zero (the counter appeared in the period).
    expect(f.increase).toBe(40 + 60 + 50 + 20 + 30);
  });

  it('should count a counter that appears in the period from zero', () => {
    // A pod started during the period: its counter started at 0 one step before its first sample.
    const f = feed(new SeriesAccumulator(window(0, 10 * STEP)), [
      [5 * STEP, 30],
      [6 * STEP, 90],
    ]);
    expect(f.increase).toBe(90);
  });

  it('should not count a counter first seen with a large value from zero (it ran before we saw it)', () => {
    // Data starts in the period (an outage, or retention): 1e6 accumulated before, 100 per step after.
    const f = feed(new SeriesAccumulator(window(0, 10 * STEP)), [
      [STEP, 1_000_000],
      [2 * STEP, 1_000_100],
      [3 * STEP, 1_000_200],
    ]);
    expect(f.increase).toBe(200);
  });

  it('should count a single-sample counter from zero (a pod that lived one step)', () => {
    const f = feed(new SeriesAccumulator(window(0, 10 * STEP)), [[4 * STEP, 70]]);
    expect(f.increase).toBe(70);
  });

  it('should split a counter gain cut by the period edges', () => {
    // Gains of 60 per step; the period [90 s, 210 s) holds half of the 2nd step, the 3rd, half of the 4th.
    const f = feed(new SeriesAccumulator(window(90_000, 210_000)), [
      [0, 0],
      [STEP, 60],
      [2 * STEP, 120],
      [3 * STEP, 180],
      [4 * STEP, 240],
    ]);
    expect(f.increase).toBeCloseTo(30 + 60 + 30);
  });

  it('should keep a counter gained during a long gap without reset (unobserved, still counting)', () => {
    const f = feed(new SeriesAccumulator(window(0, 20 * STEP)), [
      [-STEP, 0],
      [STEP, 100],
      [11 * STEP, 1100],
    ]);
    // Half of the first gain (spread over (-60 s, 60 s]) lies before the period.
    expect(f.increase).toBeCloseTo(50 + 1000);
  });

  it('should start a counter afresh after a gap longer than a counted one (no read of the next hour sees across it)', () => {
    const gap = (MAX_COUNTED_GAP_STEPS + 1) * STEP;
    const f = feed(new SeriesAccumulator(window(0, 100 * STEP)), [
      [STEP, 1_000_000],
      [2 * STEP, 1_000_100],
      [2 * STEP + gap, 1_003_200], // not spread over the gap; ran before, so not from zero either
      [3 * STEP + gap, 1_003_300],
    ]);
    expect(f.increase).toBe(100 + 100);
  });
});

describe('detectStepMs', () => {
  it('should find the step despite jitter, gaps and duplicates', () => {
    const gaps = [58_000, 61_000, 62_000, 60_000, 120_000, 0, 59_000, 600_000];
    expect(detectStepMs(gaps)).toBe(60_000);
  });

  it('should fall back when there is no data', () => {
    expect(detectStepMs([], 30_000)).toBe(30_000);
  });
});
