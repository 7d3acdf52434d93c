import { emptyFigures, SeriesFigures } from './figures';
import { hasLostScrapes, isBridged, MAX_COUNTED_GAP_STEPS, UsageWindow } from './usage-window';

/**
 * A series' first counter value counts from zero (the pod started within its step) when it is at most
 * this many steps' worth of the counter's next gain; larger, it is a counter that ran before.
 */
export const FROM_ZERO_STEPS = 20;

/**
 * Accumulates one series' samples, fed in ascending time order, with O(1) memory.
 *
 * A sample stamped t covers its own step (t - step, t] (Heapster stamps a sample at the end of its
 * scrape window) and, normally, the time back to the previous sample. When one or two scrapes were
 * lost in between (a gap of at most two steps), the gap is bridged with the mean of the samples on
 * either side; a longer gap is a stopped pod and counts nothing. Coverage is clipped to the period,
 * so a period edge cutting a window counts only the part inside.
 */
export class SeriesAccumulator {
  private readonly figures = emptyFigures();
  private prevTime: number | undefined;
  private prevValue: number | undefined;
  private firstSample: { timeMs: number; value: number } | undefined;

  constructor(private readonly window: UsageWindow) {}

  add(timeMs: number, value: number): void {
    if (!Number.isFinite(value)) return;
    const { fromMs, toMs, stepMs } = this.window;
    const prev = this.prevTime;
    if (prev !== undefined && timeMs <= prev) {
      // A duplicate (late re-write of the same timestamp) adds nothing.
      return;
    }
    const bridged = prev !== undefined && isBridged(timeMs - prev, stepMs);
    const f = this.figures;
    if (bridged && hasLostScrapes(timeMs - (prev as number), stepMs)) {
      // Lost scrapes: the sample covers its own step; the steps before it, back to the previous
      // sample, are estimated by the mean of the two samples around them (linear interpolation).
      this.cover(timeMs - stepMs, timeMs, value);
      this.cover(prev as number, timeMs - stepMs, ((this.prevValue as number) + value) / 2);
    } else {
      this.cover(bridged ? (prev as number) : timeMs - stepMs, timeMs, value);
    }
    if (timeMs >= fromMs && timeMs < toMs) {
      f.samples++;
      f.sum += value;
      if (value > f.max) f.max = value;
    }
    this.addGain(timeMs, value, bridged);
    this.prevTime = timeMs;
    this.prevValue = value;
  }

  /** Adds `value` over (start, end] ∩ the period to the integral and the coverage. */
  private cover(start: number, end: number, value: number): void {
    const overlap = Math.min(end, this.window.toMs) - Math.max(start, this.window.fromMs);
    if (overlap <= 0) return;
    this.figures.integral += (value * overlap) / 1000;
    this.figures.coveredMs += overlap;
  }

  result(): SeriesFigures {
    const out = { ...this.figures };
    // A series with a single sample: a pod that lived one step; its counter started with it.
    if (this.firstSample && this.prevTime === this.firstSample.timeMs) out.increase += this.fromZero(this.firstSample);
    return out;
  }

  /**
   * Counter increase: what the counter gained since the previous sample (from zero after a reset),
   * spread evenly over the time it was gained in and clipped to the period. Counters keep counting
   * while unobserved, so a gap without a reset still counts, up to `MAX_COUNTED_GAP_STEPS`; after a
   * reset across an unbridged gap (a new life) the gain belongs to the sample's own step.
   */
  private addGain(timeMs: number, value: number, bridged: boolean): void {
    const prevValue = this.prevValue;
    const prevTime = this.prevTime;
    const first = this.firstSample;
    if (prevValue === undefined || prevTime === undefined || timeMs - prevTime > MAX_COUNTED_GAP_STEPS * this.window.stepMs) {
      // After a gap no read of a neighbouring period would see across, the series starts afresh: a
      // first sample left undecided was a one-step life. Whether the new first value counts from
      // zero is decided with the next sample (see below).
      if (first && first.timeMs === prevTime) this.figures.increase += this.fromZero(first);
      this.firstSample = { timeMs, value };
      return;
    }
    if (first && first.timeMs === prevTime) {
      // The first value of a series counts from zero when the pod started then (its counter is small
      // next to what it gains per step); a large value is a counter that ran before we saw it.
      const ratePerStep = ((value - first.value) / (timeMs - prevTime)) * this.window.stepMs;
      if (value < first.value || first.value <= FROM_ZERO_STEPS * ratePerStep) this.figures.increase += this.fromZero(first);
    }
    const reset = value < prevValue;
    const gain = reset ? value : value - prevValue;
    const gainStart = reset && !bridged ? timeMs - this.window.stepMs : prevTime;
    this.figures.increase += this.clippedGain(gain, gainStart, timeMs);
  }

  private fromZero(sample: { timeMs: number; value: number }): number {
    return this.clippedGain(sample.value, sample.timeMs - this.window.stepMs, sample.timeMs);
  }

  /** The part of a gain made evenly over (start, end] that falls in the period. */
  private clippedGain(gain: number, start: number, end: number): number {
    const overlap = Math.min(end, this.window.toMs) - Math.max(start, this.window.fromMs);
    return gain > 0 && overlap > 0 ? (gain * overlap) / (end - start) : 0;
  }
}
