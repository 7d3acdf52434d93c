/**
 * Buckets of one sample step for `GROUP BY time(...)`. Heapster stamps a sample at the end of its
 * scrape window, on the resolution grid; scrape jitter moves it by a few seconds either way. Buckets
 * offset by half a step put each grid point in the middle of its bucket, so jitter never moves a
 * sample into a neighbour's bucket. InfluxDB labels a bucket with its start: adding `shiftMs` gives
 * back the grid time of the samples it holds.
 */
export interface StepBuckets {
  /** Bucket width in whole seconds (InfluxQL durations are literals, never user text). */
  stepS: number;
  offsetS: number;
  shiftMs: number;
}

export function stepBuckets(stepMs: number): StepBuckets {
  const stepS = Math.max(1, Math.round(stepMs / 1000));
  const offsetS = Math.floor(stepS / 2);
  return { stepS, offsetS, shiftMs: (stepS - offsetS) * 1000 };
}

/** `time(60s, 30s)`: the literals are integers computed here, checked before they reach the text. */
export function timeBucketClause(widthS: number, offsetS: number): string {
  if (!Number.isSafeInteger(widthS) || widthS < 1) throw new Error(`invalid bucket width: ${widthS}`);
  if (!Number.isSafeInteger(offsetS) || offsetS < 0) throw new Error(`invalid bucket offset: ${offsetS}`);
  return `time(${widthS}s, ${offsetS}s)`;
}
