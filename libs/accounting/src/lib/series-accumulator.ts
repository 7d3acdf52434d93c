import { MAX_BRIDGED_STEPS, UsageWindow } from './usage-window';

/** What one series contributes to a period. */
export interface SeriesFigures {
  /** ∫ value dt over the period, in unit·seconds (gauges). */
  integral: number;
  /** Increase of a cumulative counter over the period, resets handled. */
  increase: number;
  /** Milliseconds of the period covered by samples. */
  coveredMs: number;
  /** Samples whose timestamp lies inside the period. */
  samples: number;
  /** Plain sum of the samples inside the period (the original system's `sum`). */
  sum: number;
  /** Largest sample inside the period; -Infinity when none. */
  max: number;
}

export function emptyFigures(): SeriesFigures {
  return { integral: 0, increase: 0, coveredMs: 0, samples: 0, sum: 0, max: -Infinity };
}

/**
 * Accumulates one series' samples, fed in ascending time order, with O(1) memory.
 *
 * A sample stamped t covers the time back to the previous sample when that one is at most
 * two steps older (a missed scrape is bridged), otherwise one step (Heapster stamps a sample
 * at the end of its scrape window). Coverage is clipped to the period, so a period edge cutting
 * a window counts only the part inside.
 */
export class SeriesAccumulator {
  private readonly figures = emptyFigures();
  private prevTime: number | undefined;
  private prevValue: number | undefined;

  constructor(private readonly window: UsageWindow) {}

  add(timeMs: number, value: number): void {
    if (!Number.isFinite(value)) return;
    const { fromMs, toMs, stepMs } = this.window;
    const prev = this.prevTime;
    if (prev !== undefined && timeMs <= prev) {
      // A duplicate (late re-write of the same timestamp) adds nothing.
      return;
    }
    const bridged = prev !== undefined && timeMs - prev <= MAX_BRIDGED_STEPS * stepMs;
    const start = bridged ? (prev as number) : timeMs - stepMs;
    const overlap = Math.min(timeMs, toMs) - Math.max(start, fromMs);
    const f = this.figures;
    if (overlap > 0) {
      f.integral += (value * overlap) / 1000;
      f.coveredMs += overlap;
    }
    if (timeMs >= fromMs && timeMs < toMs) {
      f.samples++;
      f.sum += value;
      if (value > f.max) f.max = value;
    }
    // Counter increase: each step whose later sample is inside the period; a drop is a reset from 0.
    // Counters keep counting while unobserved, so long gaps still count (unlike gauges).
    if (this.prevValue !== undefined && timeMs >= fromMs && timeMs < toMs) {
      f.increase += value >= this.prevValue ? value - this.prevValue : value;
    }
    this.prevTime = timeMs;
    this.prevValue = value;
  }

  result(): SeriesFigures {
    return { ...this.figures };
  }
}

/** Adds `b` into `a` (for summing a pod's containers or a namespace's pods). */
export function addFigures(a: SeriesFigures, b: SeriesFigures): SeriesFigures {
  return {
    integral: a.integral + b.integral,
    increase: a.increase + b.increase,
    coveredMs: Math.max(a.coveredMs, b.coveredMs),
    samples: a.samples + b.samples,
    sum: a.sum + b.sum,
    max: Math.max(a.max, b.max),
  };
}
