/**
 * Turns the true usage of a set of containers (one pod life, or a node's system containers over one
 * boot) into scrape values, one scrape after the other:
 *
 * - numerator N_k = ∫ usage over (t_{k-1}, t_k] ∩ life (exact integer);
 * - Δt_k = t_k − t_{k-1}, except one step for the first sample of a life;
 * - gauge value = N_k / Δt_k, rounded to an integer with the rounding error carried to the next sample,
 *   so Σ value·Δt never drifts from Σ N by more than half a sample (no rounding at all without jitter);
 * - counters = Σ N since the start of the life.
 *
 * Results live in typed arrays that advance() overwrites: the hot path allocates nothing.
 */
import type { ContainerSpec, NetworkShape } from './cluster-model';
import { ContainerQuantity, NetworkQuantity } from './quantities';
import type { ScrapeSchedule } from './scrape-schedule';
import type { Interval, WindowIntegrator } from './window-integrator';

const { COUNT: CONTAINER_QUANTITIES } = ContainerQuantity;
const { COUNT: NETWORK_QUANTITIES } = NetworkQuantity;

export interface SamplerContext {
  schedule: ScrapeSchedule;
  integrator: WindowIntegrator;
}

export interface NetworkSource {
  shape: NetworkShape;
  entity: number;
}

/** Gauges carried with a rounding residual: cpu, memory, gpu — the first three usage quantities. */
const GAUGES = 3;

// Local bindings: global lookups are slow inside vm contexts (as in Jest), and these run per sample.
const { max, min, round } = Math;

export class ContainerSetSampler {
  /** First scrape after the start, last scrape at or after the stop. */
  readonly firstIndex: number;
  readonly lastIndex: number;
  /** Per container, after advance(): rounded window averages at positions CPU, MEMORY, GPU. */
  readonly gauges: Float64Array[];
  /** Per container: this scrape's numerators, indexed by ContainerQuantity. */
  readonly numerators: Float64Array[];
  /** Per container: counters since the start of the life (Σ numerators). */
  readonly cumulative: Float64Array[];
  readonly networkNumerator = new Float64Array(NETWORK_QUANTITIES);
  readonly networkCumulative = new Float64Array(NETWORK_QUANTITIES);
  private readonly residual: Float64Array[];
  private nextIndex: number;

  constructor(
    private readonly ctx: SamplerContext,
    private readonly containers: readonly ContainerSpec[],
    private readonly network: NetworkSource | undefined,
    readonly life: Interval,
    startIndex: number,
  ) {
    const { schedule } = ctx;
    this.firstIndex = schedule.firstAfter(life.start);
    this.lastIndex = schedule.firstAtOrAfter(life.stop);
    this.gauges = containers.map(() => new Float64Array(GAUGES));
    this.numerators = containers.map(() => new Float64Array(CONTAINER_QUANTITIES));
    this.cumulative = containers.map(() => new Float64Array(CONTAINER_QUANTITIES));
    this.residual = containers.map(() => new Float64Array(GAUGES));
    this.nextIndex = this.firstIndex;
    if (startIndex > this.firstIndex) this.catchUp(min(startIndex, this.lastIndex + 1));
  }

  /** Brings counters (and, with jitter, rounding residuals) to where they are just before `index`. */
  private catchUp(index: number): void {
    const { schedule, integrator } = this.ctx;
    if (schedule.jitterSeconds > 0) {
      // Residuals depend on every earlier rounding: replay the scrapes.
      while (this.nextIndex < index) this.advance(this.nextIndex);
      return;
    }
    // Without jitter nothing is ever rounded: one integral gives the counters.
    const until = schedule.time(index - 1);
    this.containers.forEach((c, i) => integrator.addContainer(c, this.life, -Infinity, until, this.cumulative[i]));
    if (this.network) {
      integrator.addNetwork(this.network.shape, this.network.entity, this.life, -Infinity, until, this.networkCumulative);
    }
    this.nextIndex = index;
  }

  /** Seconds the sample at `index` accounts for. */
  windowSeconds(index: number): number {
    const { schedule } = this.ctx;
    return index === this.firstIndex ? schedule.stepSeconds : schedule.time(index) - schedule.time(index - 1);
  }

  /** Computes scrape `index` into the public arrays; scrapes must be asked for in order. */
  advance(index: number): void {
    if (index !== this.nextIndex || index > this.lastIndex) {
      throw new Error(`scrape ${index} asked for, expected ${this.nextIndex} (life ends at ${this.lastIndex})`);
    }
    const { schedule, integrator } = this.ctx;
    const a = schedule.time(index - 1);
    const b = schedule.time(index);
    const dt = this.windowSeconds(index);
    for (let i = 0; i < this.containers.length; i++) {
      const n = this.numerators[i];
      n.fill(0);
      integrator.addContainer(this.containers[i], this.life, a, b, n);
      const cum = this.cumulative[i];
      for (let q = 0; q < CONTAINER_QUANTITIES; q++) cum[q] += n[q];
      const g = this.gauges[i];
      const r = this.residual[i];
      for (let q = 0; q < GAUGES; q++) {
        const exact = n[q] + r[q];
        const value = max(0, round(exact / dt));
        r[q] = exact - value * dt;
        g[q] = value;
      }
    }
    if (this.network) {
      const n = this.networkNumerator;
      n.fill(0);
      integrator.addNetwork(this.network.shape, this.network.entity, this.life, a, b, n);
      for (let q = 0; q < NETWORK_QUANTITIES; q++) this.networkCumulative[q] += n[q];
    }
    this.nextIndex = index + 1;
  }
}
