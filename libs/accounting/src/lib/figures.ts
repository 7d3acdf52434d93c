/** What one series (or a sum of series) contributes to a period. */
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

/** Whether a series counts for the period: samples inside it, or samples covering part of it. */
export function touchesPeriod(f: SeriesFigures): boolean {
  return f.coveredMs > 0 || f.samples > 0;
}

/**
 * Two series side by side over the same time (the containers of a pod, the pods of a namespace):
 * usage and samples add up; the coverage is the longer one and the peak the larger one, both only
 * bounds of the sum's, which need the sum per step.
 */
export function addConcurrentFigures(a: SeriesFigures, b: SeriesFigures): SeriesFigures {
  return {
    integral: a.integral + b.integral,
    increase: a.increase + b.increase,
    coveredMs: Math.max(a.coveredMs, b.coveredMs),
    samples: a.samples + b.samples,
    sum: a.sum + b.sum,
    max: Math.max(a.max, b.max),
  };
}

/**
 * Two parts of one series over disjoint times (a pod's own series, and its containers where it has
 * none): everything adds up, coverage too; the peak is the larger one.
 */
export function addDisjointFigures(a: SeriesFigures, b: SeriesFigures): SeriesFigures {
  return {
    integral: a.integral + b.integral,
    increase: a.increase + b.increase,
    coveredMs: a.coveredMs + b.coveredMs,
    samples: a.samples + b.samples,
    sum: a.sum + b.sum,
    max: Math.max(a.max, b.max),
  };
}

/**
 * A group's figures (a namespace, everything selected): the sum of its members, with the coverage
 * and the peak of the group's own total per step — the time any member ran, the peak of the sum.
 * Without a sample of the total inside the period, the members' peak is the best bound left.
 */
export function withGroupTotal(members: SeriesFigures, total: SeriesFigures): SeriesFigures {
  return { ...members, coveredMs: total.coveredMs, max: Number.isFinite(total.max) ? total.max : members.max };
}

/** Time-weighted mean over the covered time, in the metric's unit. */
export function averageOf(f: SeriesFigures): number {
  return f.coveredMs > 0 ? f.integral / (f.coveredMs / 1000) : 0;
}

/** Six decimals are plenty for billing and keep the JSON readable; a non-finite figure is 0. */
export function roundFigure(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : 0;
}
