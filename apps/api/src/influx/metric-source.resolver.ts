import { Injectable, NotFoundException } from '@nestjs/common';

import { findMetric, HEAPSTER_GPU_METRIC, MetricDefinition } from '@kube-monitoring/contract';
import { heapsterSource, measurementsQuery, MetricSource } from '@kube-monitoring/influx';

import { InfluxConnection } from './influx-connection';

const MEASUREMENTS_TTL_MS = 60_000;

/**
 * Maps a catalog metric to where it is stored. `gpu/usage` (MB, the original site's metric) falls
 * back to Heapster's `accelerator/memory_used` (bytes) when only that one is stored.
 */
@Injectable()
export class MetricSourceResolver {
  private measurements: { at: number; names: Set<string> } | undefined;

  constructor(private readonly influx: InfluxConnection) {}

  /** The catalog entry of a metric, or 404 naming it. */
  definition(metric: string): MetricDefinition {
    const def = findMetric(metric);
    if (!def) throw new NotFoundException(`metric: unknown metric "${metric}"; GET /api/metrics lists the available ones`);
    return def;
  }

  async resolve(metric: string): Promise<{ definition: MetricDefinition; source: MetricSource }> {
    const definition = this.definition(metric);
    if (metric === 'gpu/usage') {
      const names = await this.presentMeasurements();
      if (!names.has('gpu/usage') && names.has(HEAPSTER_GPU_METRIC)) {
        return { definition, source: heapsterSource(metric, HEAPSTER_GPU_METRIC, 1e-6) };
      }
    }
    return { definition, source: heapsterSource(metric) };
  }

  /** Measurement names in the database, cached for a minute. */
  async presentMeasurements(): Promise<Set<string>> {
    const now = Date.now();
    if (this.measurements && now - this.measurements.at < MEASUREMENTS_TTL_MS) return this.measurements.names;
    const series = await this.influx.client.query(measurementsQuery());
    const names = new Set<string>();
    for (const s of series) for (const row of s.values) names.add(String(row[0]));
    this.measurements = { at: now, names };
    return names;
  }
}
