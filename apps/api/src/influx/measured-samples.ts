import { Inject, Injectable } from '@nestjs/common';

import { GPU_DEVICES_METRIC, GpuDeviceSamples, MetricSamples, PER_SAMPLE_MAX_METRICS, PerSampleMaxSamples } from '@kube-monitoring/accounting';

import { MetricSourceResolver } from './metric-source.resolver';
import { SourceSampleStore, USAGE_SAMPLES } from './reader-tokens';

/** What the per-sample maxima are made of: usage (the rate, per sample), request, and the uptime that bounds it to the lives. */
const PER_SAMPLE_MAX_USES = {
  cpu: ['cpu/usage_rate', 'cpu/request', 'uptime'],
  memory: ['memory/usage', 'memory/request', 'uptime'],
} as const;

/**
 * The samples of what reports and the ledger measure: a stored catalog metric, the GPU devices pods
 * hold, joined from their GPU resource requests (`gpu/devices`), or the per-sample max(request,
 * usage) of the `max` basis (`cpu/billed_max`, `memory/billed_max`). Undefined when the database
 * holds none of it in this schema.
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
      return new GpuDeviceSamples(parts.map((p) => ({ resource: p.resource, samples: this.samples.forSource(p.source) })));
    }
    const max = Object.entries(PER_SAMPLE_MAX_METRICS).find(([, name]) => name === metric)?.[0] as keyof typeof PER_SAMPLE_MAX_USES | undefined;
    if (max) {
      const [usage, request, uptime] = await Promise.all(PER_SAMPLE_MAX_USES[max].map((m) => this.stored(m)));
      // Without requests in the schema, max(request, usage) is the usage: no joined series to read.
      if (!usage || !request) return undefined;
      return new PerSampleMaxSamples(metric, usage, request, uptime);
    }
    return this.stored(metric);
  }

  private async stored(metric: string): Promise<MetricSamples | undefined> {
    const source = await this.sources.sourceOf(metric);
    return source ? this.samples.forSource(source) : undefined;
  }
}
