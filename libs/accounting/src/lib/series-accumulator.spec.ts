import { SeriesAccumulator } from './series-accumulator';
import { detectStepMs } from './step-detection';

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
    const f = feed(new SeriesAccumulator(window(0, 10 * STEP)), [
      [STEP, 100],
      [2 * STEP, 150],
      [3 * STEP, 20], // reset: counted as 20 from zero
      [4 * STEP, 50],
    ]);
    expect(f.increase).toBe(50 + 20 + 30);
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
