/** The simulator's front door: one seeded cluster, its samples as a stream, its ground truth, live mode. */
import { buildCluster } from './cluster-builder';
import type { ClusterModel, PodLife } from './cluster-model';
import { livesBetween } from './cluster-model';
import type { SamplerContext } from './container-set-sampler';
import { computeGroundTruth, type GroundTruth } from './ground-truth';
import { HeapsterWriter } from './heapster-writer';
import { lineBatches, type BatchOptions, type LineBatch } from './line-batches';
import { LiveFeed } from './live-feed';
import type { ScrapeFrame } from './samples';
import type { SchemaWriter } from './schema-writer';
import { ScrapeEngine, type EngineOptions } from './scrape-engine';
import { ScrapeSchedule } from './scrape-schedule';
import { resolveOptions, type ResolvedOptions, type SimulationOptions } from './simulation-options';
import { toEpochSeconds, type TimeInput } from './time-input';
import { UsageModel } from './usage-model';
import { WindowIntegrator } from './window-integrator';

export interface Period {
  /** Inclusive start. */
  from: TimeInput;
  /** Exclusive end. */
  to: TimeInput;
}

export interface StreamOptions extends Period, BatchOptions {
  /** Schema of the lines. Default: a HeapsterWriter with the whole catalog. */
  writer?: SchemaWriter;
}

export class ClusterSimulator {
  readonly options: ResolvedOptions;
  readonly model: ClusterModel;
  readonly schedule: ScrapeSchedule;
  private readonly ctx: SamplerContext;
  private readonly engine: ScrapeEngine;

  constructor(options: SimulationOptions = {}) {
    this.options = resolveOptions(options);
    const { seed, stepSeconds, jitterSeconds } = this.options;
    this.model = buildCluster(this.options);
    this.schedule = new ScrapeSchedule(stepSeconds, jitterSeconds, seed);
    this.ctx = { schedule: this.schedule, integrator: new WindowIntegrator(new UsageModel(seed, stepSeconds)) };
    this.engine = new ScrapeEngine(this.ctx, this.model, {
      seed,
      missingFraction: this.options.missingFraction,
      lateFraction: this.options.lateFraction,
    });
  }

  /** Pod lives overlapping [from, to). */
  lives(period: Period): PodLife[] {
    const { from, to } = this.seconds(period);
    return livesBetween(this.model, from, to);
  }

  /** Every scrape with from ≤ t < to, as observations (before any schema). */
  frames(period: Period, options: EngineOptions = {}): Generator<ScrapeFrame> {
    const { from, to } = this.seconds(period);
    const range = this.schedule.indicesIn(from, to);
    return this.engine.frames(range.first, range.end, options);
  }

  /**
   * Line protocol for every scrape with from ≤ t < to, in batches (timestamps in seconds).
   * A stream: memory stays bounded by the pods alive at once, whatever the period.
   */
  batches(options: StreamOptions): Generator<LineBatch> {
    const writer = options.writer ?? new HeapsterWriter();
    return lineBatches(this.frames(options, { nodes: writer.writesNodes }), writer, {
      batchSize: options.batchSize ?? 5000,
      lateDelayScrapes: options.lateDelayScrapes ?? this.options.lateDelayScrapes,
    });
  }

  /**
   * Exact usage, counter increases, peaks, sample counts, requests, limits, GPU-hours and the `max`
   * basis per pod and namespace over [from, to); per node its allocatable and its pods' requests.
   */
  groundTruth(period: Period): GroundTruth {
    const { from, to } = this.seconds(period);
    const truth = computeGroundTruth(this.model, this.ctx.integrator, this.schedule, from, to, this.frames(period, { nodes: false }));
    return { ...truth, stepSeconds: this.options.stepSeconds };
  }

  /** Live mode: call `samplesAt(new Date())` every step to get the samples written since the last call. */
  liveFeed(writer: SchemaWriter = new HeapsterWriter()): LiveFeed {
    return new LiveFeed(this.engine, this.schedule, writer);
  }

  private seconds(period: Period): { from: number; to: number } {
    const from = toEpochSeconds(period.from, 'from');
    const to = toEpochSeconds(period.to, 'to');
    if (to < from) throw new RangeError(`period ends (${String(period.to)}) before it starts (${String(period.from)})`);
    return { from, to };
  }
}
