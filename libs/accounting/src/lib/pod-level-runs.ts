import { isBridged } from './usage-window';

/**
 * Where each pod's own (pod-level) series has data: runs of samples with no gap a pod could stop in,
 * and the number of samples per coarse time bucket. Memory follows pods × (runs + buckets), never
 * samples. Used to count a pod's containers exactly where its pod series is absent (a pod is
 * counted from its pod series where it has data, else from the sum of its containers; never both).
 */
export class PodLevelRuns {
  /** Per pod: flat [start0, end0, start1, end1, …], a sample at t covering (t - step, t]. */
  private readonly runs = new Map<string, number[]>();
  private readonly counts = new Map<string, Map<number, number>>();

  constructor(
    private readonly stepMs: number,
    /** Width of the count buckets, ms (aligned on the epoch, as InfluxDB's GROUP BY time). */
    readonly bucketMs: number,
  ) {}

  /** Records one pod-level sample; samples of a pod come in time order. */
  add(podId: string, timeMs: number): void {
    let runs = this.runs.get(podId);
    if (!runs) {
      runs = [];
      this.runs.set(podId, runs);
    }
    const last = runs.length - 1;
    if (last > 0 && isBridged(timeMs - (runs[last] as number), this.stepMs)) runs[last] = timeMs;
    else runs.push(timeMs - this.stepMs, timeMs);
    let counts = this.counts.get(podId);
    if (!counts) {
      counts = new Map();
      this.counts.set(podId, counts);
    }
    const bucket = Math.floor(timeMs / this.bucketMs);
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }

  /** Pod-level samples of a pod in the bucket starting at `bucketStartMs`. */
  samplesIn(podId: string, bucketStartMs: number): number {
    return this.counts.get(podId)?.get(Math.floor(bucketStartMs / this.bucketMs)) ?? 0;
  }

  /**
   * Whether the pod's own series covers grid time `timeMs` (half a step of tolerance: a container
   * sample is stamped on the grid, its pod's sample of the same scrape may carry jitter).
   */
  covers(podId: string, timeMs: number): boolean {
    const runs = this.runs.get(podId);
    if (!runs) return false;
    const half = this.stepMs / 2;
    for (let i = 0; i < runs.length; i += 2) {
      if (timeMs > (runs[i] as number) - half && timeMs <= (runs[i + 1] as number) + half) return true;
    }
    return false;
  }
}

/** Count buckets: about a hundred over the read span, whole hours (or whole steps below an hour). */
export function countBucketMs(spanMs: number, stepMs: number): number {
  const wanted = Math.ceil(spanMs / 100);
  const unit = wanted >= 3_600_000 ? 3_600_000 : Math.max(1000, Math.round(stepMs / 1000) * 1000);
  return Math.max(unit, Math.ceil(wanted / unit) * unit);
}
