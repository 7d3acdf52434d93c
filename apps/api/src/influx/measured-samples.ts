import { Inject, Injectable } from '@nestjs/common';

import { GPU_DEVICES_METRIC, GpuDeviceSamples, MetricSamples, PER_SAMPLE_MAX_METRICS, PodAllocationSamples } from '@kube-monitoring/accounting';

import { MetricSourceResolver } from './metric-source.resolver';
import { SourceSampleStore, USAGE_SAMPLES } from './reader-tokens';

/** What the basis `max` compares per sample: the usage (the rate, per sample) and the request. */
const PER_SAMPLE_MAX_USES = {
  cpu: { usage: 'cpu/usage_rate', request: 'cpu/request' },
  memory: { usage: 'memory/usage', request: 'memory/request' },
} as const;

/** Requests, held only while their containers ran (`PodAllocationSamples` in mode `held`). */
const HELD_REQUESTS: ReadonlySet<string> = new Set(['cpu/request', 'memory/request']);

/** A container's uptime counter: how long it ran, which bounds what its requests' samples claim. */
const UPTIME = 'uptime';

/**
 * The samples of what reports and the ledger measure: a stored catalog metric; a request, held only
 * while its container ran (`cpu/request`, `memory/request`); the GPU devices pods hold, joined from
 * their GPU resource requests (`gpu/devices`); or the per-sample max(request, usage) of the basis
 * `max` (`cpu/billed_max`, `memory/billed_max`). Undefined when the database holds none of it in
 * this schema.
 */
@Injectable()
export class MeasuredSamples {
  constructor(
    private readonly sources: MetricSourceResolver,
    @Inject(USAGE_SAMPLES) private readonly samples: SourceSampleStore,
  ) {}

  async of(metric: string): Promise<MetricSamples | undefined> {
    if (metric === GPU_DEVICES_METRIC) {
      const parts = await this.sources.gpuRequestSources();
      if (parts.length === 0) return undefined;
      const devices = new GpuDeviceSamples(parts.map((p) => ({ resource: p.resource, samples: this.samples.forSource(p.source) })));
      return new PodAllocationSamples(metric, 'held', devices, await this.stored(UPTIME));
    }
    if (HELD_REQUESTS.has(metric)) {
      const request = await this.stored(metric);
      return request ? new PodAllocationSamples(metric, 'held', request, await this.stored(UPTIME)) : undefined;
    }
    const max = Object.entries(PER_SAMPLE_MAX_METRICS).find(([, name]) => name === metric)?.[0] as keyof typeof PER_SAMPLE_MAX_USES | undefined;
    if (max) {
      const uses = PER_SAMPLE_MAX_USES[max];
      const [usage, request, uptime] = await Promise.all([this.stored(uses.usage), this.stored(uses.request), this.stored(UPTIME)]);
      // Without requests in the schema, max(request, usage) is the usage: no joined series to read.
      if (!usage || !request) return undefined;
      return new PodAllocationSamples(metric, 'max', request, uptime, usage);
    }
    return this.stored(metric);
  }

  /** A stored metric's samples, when the database holds its field (none: nothing to read, every report). */
  private async stored(metric: string): Promise<MetricSamples | undefined> {
    const source = await this.sources.sourceOf(metric);
    return source && (await this.sources.isPresent(source)) ? this.samples.forSource(source) : undefined;
  }
}
