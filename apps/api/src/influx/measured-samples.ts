import { Inject, Injectable } from '@nestjs/common';

import { GPU_DEVICES_METRIC, GpuDeviceSamples, MetricSamples } from '@kube-monitoring/accounting';

import { MetricSourceResolver } from './metric-source.resolver';
import { SourceSampleStore, USAGE_SAMPLES } from './reader-tokens';

/**
 * The samples of what reports and the ledger measure: a stored catalog metric, or the GPU devices
 * pods hold, joined from their GPU resource requests (`gpu/devices`). Undefined when the database
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
    const source = await this.sources.sourceOf(metric);
    return source ? this.samples.forSource(source) : undefined;
  }
}
