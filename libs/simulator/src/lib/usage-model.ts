/**
 * True usage of a container (or a network interface) on grid window w = ((w-1)·step, w·step]:
 * a pure function of (seed, entity, window), constant over the window. Rates are whole numbers
 * (millicores, bytes, MB, events per second), so integrals over whole seconds are exact integers.
 */
import type { ContainerSpec, NetworkShape, UsageShape } from './cluster-model';
import { hashUnit } from './prng';
import { ContainerQuantity, NetworkQuantity } from './quantities';

const { CPU, MEMORY, GPU, PAGE_FAULTS, MAJOR_PAGE_FAULTS } = ContainerQuantity;
const { RX, TX, RX_ERRORS, TX_ERRORS } = NetworkQuantity;

// Local bindings: global lookups are slow inside vm contexts (as in Jest), and these run per sample.
const { cos, floor, max, min, round, PI } = Math;

const SECONDS_PER_DAY = 86_400;
const MIN_MEMORY_BYTES = 4 * 1024 * 1024;

/** Salts so each quantity of an entity draws independently. */
const SALT_CPU = 11;
const SALT_MEMORY = 12;
const SALT_GPU = 13;
const SALT_FAULTS = 14;
const SALT_MAJOR = 15;
const SALT_RX = 21;
const SALT_TX = 22;
const SALT_RX_ERR = 23;
const SALT_TX_ERR = 24;

/**
 * Day/night shape in [0, 2] with mean ≈ 1 on weekdays: peak at 14:00 UTC, trough at 02:00 UTC,
 * 40 % lower on Saturdays and Sundays.
 */
export function dayShape(timeSeconds: number): number {
  const secondOfDay = ((timeSeconds % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
  const hour = secondOfDay / 3600;
  const diurnal = 0.5 + 0.5 * cos((2 * PI * (hour - 14)) / 24);
  // 1970-01-01 was a Thursday: day 0 → weekday 4.
  const weekday = (floor(timeSeconds / SECONDS_PER_DAY) + 4) % 7;
  return 2 * diurnal * (weekday === 0 || weekday === 6 ? 0.6 : 1);
}

function shaped(shape: UsageShape, seed: number, entity: number, salt: number, window: number, factor: number): number {
  const noise = 1 + shape.noise * (2 * hashUnit(seed, entity, salt, window) - 1);
  return shape.base * factor * noise;
}

export class UsageModel {
  /** The day shape of the last window asked for: every container evaluates the same window in turn. */
  private shapeWindow = Number.NaN;
  private shape = 0;

  constructor(
    readonly seed: number,
    readonly stepSeconds: number,
  ) {}

  private factor(window: number, daily: number): number {
    if (window !== this.shapeWindow) {
      this.shapeWindow = window;
      this.shape = dayShape((window - 0.5) * this.stepSeconds);
    }
    return 1 - daily + daily * this.shape;
  }

  /**
   * Writes the container's rates on window w into `out` (see ContainerQuantity).
   * `partial`: the container lives only part of the window. Gauges are then rounded to a multiple of
   * the step, so their window average (usage × alive seconds / step) stays a whole number.
   */
  containerRates(c: ContainerSpec, window: number, lifeStart: number, partial: boolean, out: Float64Array): void {
    const step = this.stepSeconds;
    const mid = (window - 0.5) * step;
    const ramp = c.rampSeconds > 0 ? min(1, max(0.05, (mid - lifeStart) / c.rampSeconds)) : 1;

    let cpu = shaped(c.cpu, this.seed, c.id, SALT_CPU, window, this.factor(window, c.cpu.daily)) * ramp;
    if (c.limits.cpuMillicores > 0) cpu = min(cpu, c.limits.cpuMillicores);
    cpu = max(1, round(cpu));

    const memoryFactor = 1 + 0.5 * (this.factor(window, c.memory.daily) - 1);
    let memory = shaped(c.memory, this.seed, c.id, SALT_MEMORY, window, memoryFactor) * ramp;
    memory += (c.memory.growthPerHour * max(0, mid - lifeStart)) / 3600;
    const memoryCap = c.limits.memoryBytes > 0 ? 0.97 * c.limits.memoryBytes : 3 * c.memory.base;
    memory = round(max(MIN_MEMORY_BYTES, min(memory, memoryCap)));

    let gpu = 0;
    if (c.gpu) {
      const g = c.gpu;
      gpu = shaped(g.megabytes, this.seed, c.id, SALT_GPU, window, this.factor(window, g.megabytes.daily)) * ramp;
      gpu = round(max(0, min(gpu, g.devices * g.deviceMegabytes)));
    }

    if (partial) {
      cpu = roundToMultiple(cpu, step);
      memory = roundToMultiple(memory, step);
      gpu = roundToMultiple(gpu, step);
    }

    out[CPU] = cpu;
    out[MEMORY] = memory;
    out[GPU] = gpu;
    out[PAGE_FAULTS] = round((cpu / 1000) * c.pageFaultsPerCore * (0.5 + hashUnit(this.seed, c.id, SALT_FAULTS, window)));
    out[MAJOR_PAGE_FAULTS] = hashUnit(this.seed, c.id, SALT_MAJOR, window) < 0.02 ? 1 : 0;
  }

  /** Writes the interface's per-second rates on window w into `out` (see NetworkQuantity). */
  networkRates(n: NetworkShape, entity: number, window: number, out: Float64Array): void {
    const rx = max(0, round(shaped(n.rx, this.seed, entity, SALT_RX, window, this.factor(window, n.rx.daily))));
    const txNoise = 0.8 + 0.4 * hashUnit(this.seed, entity, SALT_TX, window);
    out[RX] = rx;
    out[TX] = round(rx * n.txRatio * txNoise);
    out[RX_ERRORS] = hashUnit(this.seed, entity, SALT_RX_ERR, window) < n.errorRate ? 1 : 0;
    out[TX_ERRORS] = hashUnit(this.seed, entity, SALT_TX_ERR, window) < n.errorRate ? 1 : 0;
  }
}

function roundToMultiple(value: number, multiple: number): number {
  return round(value / multiple) * multiple;
}
