import { Injectable } from '@nestjs/common';

import { averageOf, NamespaceFilter, rollupNamespaces, roundFigure, SeriesFigures, UsagePeriod } from '@kube-monitoring/accounting';
import { AggregationKind, AggregationRow, MetricDefinition, usageUnit } from '@kube-monitoring/contract';
import { MetricSource } from '@kube-monitoring/influx';

import { Admit } from '../limits/heavy-request-limiter';
import { PodUsageService } from './pod-usage.service';

/**
 * The original system's aggregations (`agg`), with the seed's `sum` kept and the usage figures
 * added; the `usage` field comes from the same computation as the billing report.
 */
@Injectable()
export class AggregationService {
  constructor(private readonly podUsage: PodUsageService) {}

  /** Rows of the namespaces in `filter` (the caller's access already applied); `admit` before InfluxDB is read. */
  async aggregate(
    kind: AggregationKind,
    definition: MetricDefinition,
    source: MetricSource,
    period: UsagePeriod,
    filter: NamespaceFilter,
    admit?: Admit,
  ): Promise<AggregationRow[]> {
    const stepMs = await this.podUsage.stepMs(source, period);
    const usage = await this.podUsage.usage(source, period, filter, stepMs, { namespaces: kind === 'all-namespace', admit });
    if (kind !== 'all-namespace') {
      return usage.pods.map((p) => ({ namespace_name: p.namespace, pod_name: p.pod, ...this.figuresRow(definition, p.figures) }));
    }
    // The seed's rows are the namespaces of the pods counted.
    return rollupNamespaces(usage.pods, usage.namespaces)
      .filter((ns) => ns.pods > 0)
      .map((ns) => ({ namespace_name: ns.namespace, ...this.figuresRow(definition, ns.figures) }));
  }

  private figuresRow(def: MetricDefinition, f: SeriesFigures): Omit<AggregationRow, 'namespace_name' | 'pod_name'> {
    const usage = def.kind === 'counter' ? f.increase : f.integral / 3600;
    return {
      sum: roundFigure(f.sum),
      usage: roundFigure(usage),
      usage_unit: usageUnit(def.unit, def.kind),
      average: roundFigure(averageOf(f)),
      max: f.samples > 0 ? roundFigure(f.max) : 0,
      samples: f.samples,
      unit: def.unit,
    };
  }
}
