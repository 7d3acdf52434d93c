/**
 * A closed-loop load generator: `connections` workers each send the next request as soon as the
 * previous one answered, for a fixed time (or a fixed count). Used for both sides of every
 * side-by-side measurement, so API and direct InfluxDB are timed by the same code.
 */
import { LatencyStats, latencyStats } from './stats';

export interface LoopOptions {
  connections: number;
  durationMs: number;
  /** Stop earlier after this many requests. */
  maxRequests?: number;
  /** Keep going after `durationMs` until at least this many requests completed (bounded by maxRequests). */
  minRequests?: number;
  /** One request; `i` counts requests across workers. Throws or returns false on a failed request. */
  task: (i: number) => Promise<boolean>;
}

export interface LoopResult extends LatencyStats {
  errors: number;
  latenciesMs: number[];
  elapsedMs: number;
}

export async function runLoop(options: LoopOptions): Promise<LoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const max = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const min = Math.min(options.minRequests ?? 0, max);
  const more = () => {
    const elapsed = performance.now() - started;
    return next < max && (elapsed < options.durationMs || latencies.length + errors < min);
  };
  const worker = async () => {
    while (more()) {
      const i = next++;
      const t0 = performance.now();
      let ok = false;
      try {
        ok = await options.task(i);
      } catch {
        ok = false;
      }
      if (ok) latencies.push(performance.now() - t0);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const elapsedMs = performance.now() - started;
  return { ...latencyStats(latencies, elapsedMs), errors, latenciesMs: latencies, elapsedMs };
}

/** Merges several runs of the same target (the bench alternates API and direct in rounds). */
export function mergeLoops(runs: readonly LoopResult[]): LoopResult {
  const latencies = runs.flatMap((r) => r.latenciesMs);
  const elapsedMs = runs.reduce((a, r) => a + r.elapsedMs, 0);
  return { ...latencyStats(latencies, elapsedMs), errors: runs.reduce((a, r) => a + r.errors, 0), latenciesMs: latencies, elapsedMs };
}
