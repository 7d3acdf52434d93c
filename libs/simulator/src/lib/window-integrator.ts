/**
 * Exact integrals of piecewise-constant usage over (a, b] ∩ [start, stop): the sum over the grid
 * windows it touches of rate × overlapping seconds. With whole-second bounds every term is an integer.
 */
import type { ContainerSpec, NetworkShape } from './cluster-model';
import { ContainerQuantity, NetworkQuantity } from './quantities';
import type { UsageModel } from './usage-model';

const { COUNT: CONTAINER_QUANTITIES } = ContainerQuantity;
const { COUNT: NETWORK_QUANTITIES } = NetworkQuantity;

export interface Interval {
  start: number;
  stop: number;
}

// Local bindings: global lookups are slow inside vm contexts (as in Jest), and these run per sample.
const { floor, max, min } = Math;

export class WindowIntegrator {
  private readonly containerScratch = new Float64Array(CONTAINER_QUANTITIES);
  private readonly networkScratch = new Float64Array(NETWORK_QUANTITIES);

  constructor(readonly usage: UsageModel) {}

  /** Adds ∫ rate dt over (a, b] ∩ life for every container quantity into `out`. */
  addContainer(c: ContainerSpec, life: Interval, a: number, b: number, out: Float64Array): void {
    const step = this.usage.stepSeconds;
    const lo = max(a, life.start);
    const hi = min(b, life.stop);
    if (hi <= lo) return;
    const rates = this.containerScratch;
    for (let w = floor(lo / step) + 1; (w - 1) * step < hi; w++) {
      const windowStart = (w - 1) * step;
      const windowEnd = w * step;
      const seconds = min(hi, windowEnd) - max(lo, windowStart);
      if (seconds <= 0) continue;
      const partial = life.start > windowStart || life.stop < windowEnd;
      this.usage.containerRates(c, w, life.start, partial, rates);
      for (let q = 0; q < CONTAINER_QUANTITIES; q++) out[q] += rates[q] * seconds;
    }
  }

  /** Adds ∫ rate dt over (a, b] ∩ life for every network quantity into `out`. */
  addNetwork(n: NetworkShape, entity: number, life: Interval, a: number, b: number, out: Float64Array): void {
    const step = this.usage.stepSeconds;
    const lo = max(a, life.start);
    const hi = min(b, life.stop);
    if (hi <= lo) return;
    const rates = this.networkScratch;
    for (let w = floor(lo / step) + 1; (w - 1) * step < hi; w++) {
      const seconds = min(hi, w * step) - max(lo, (w - 1) * step);
      if (seconds <= 0) continue;
      this.usage.networkRates(n, entity, w, rates);
      for (let q = 0; q < NETWORK_QUANTITIES; q++) out[q] += rates[q] * seconds;
    }
  }
}
