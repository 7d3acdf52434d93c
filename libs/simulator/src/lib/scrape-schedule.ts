/**
 * Scrape times: t_k = k·step + jitter(k). Without jitter they sit on the resolution grid, as Heapster's
 * do. Jitter is whole seconds, |jitter| < step/2, so scrape times stay strictly increasing.
 */
import { hashUnit } from './prng';

// Local bindings: global lookups are slow inside vm contexts (as in Jest), and these run per sample.
const { floor } = Math;

const SALT_JITTER = 31;

export class ScrapeSchedule {
  constructor(
    readonly stepSeconds: number,
    readonly jitterSeconds: number,
    private readonly seed: number,
  ) {}

  /** Time (epoch seconds) of scrape k. */
  time(k: number): number {
    if (this.jitterSeconds === 0) return k * this.stepSeconds;
    const span = 2 * this.jitterSeconds + 1;
    return k * this.stepSeconds + floor(hashUnit(this.seed, SALT_JITTER, k) * span) - this.jitterSeconds;
  }

  /** Smallest k with time(k) > t. */
  firstAfter(t: number): number {
    let k = floor(t / this.stepSeconds) - 1;
    while (this.time(k) > t) k--;
    while (this.time(k) <= t) k++;
    return k;
  }

  /** Smallest k with time(k) ≥ t. */
  firstAtOrAfter(t: number): number {
    let k = floor(t / this.stepSeconds) - 1;
    while (this.time(k) >= t) k--;
    while (this.time(k) < t) k++;
    return k;
  }

  /** Range of scrape indices whose times fall in [from, to). */
  indicesIn(from: number, to: number): { first: number; end: number } {
    return { first: this.firstAtOrAfter(from), end: this.firstAtOrAfter(to) };
  }
}
