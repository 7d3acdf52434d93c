import { Injectable } from '@nestjs/common';

import { AggregationKind, AGGREGATIONS, MAX_PERIOD_DAYS, MetricQueryResponse } from '@kube-monitoring/contract';

import { AccessScope, allowedNamespaces } from '../access/access-scope';
import { namespaceFilterFor } from '../access/namespace-policy';
import { AggregationService } from '../aggregation/aggregation.service';
import { resolvePeriod } from '../common/period';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { HeavyRequestLimiter } from '../limits/heavy-request-limiter';
import { MetricQueryDto } from './metric-query.dto';
import { RawQueryService } from './raw-query.service';

export const EMPTY_SET = { code: 200 as const, message: 'Query returns empty set' as const };
const DEFAULT_SPAN_MS = 60 * 60_000;

/** `POST /api/{metric}`: raw points or one of the seed's aggregations. */
@Injectable()
export class MetricQueryService {
  constructor(
    private readonly sources: MetricSourceResolver,
    private readonly raw: RawQueryService,
    private readonly aggregation: AggregationService,
    private readonly limiter: HeavyRequestLimiter,
  ) {}

  async run(metric: string, body: MetricQueryDto, scope: AccessScope): Promise<MetricQueryResponse> {
    const { definition, source } = await this.sources.resolve(metric);
    const agg = (AGGREGATIONS as readonly string[]).includes(body.agg ?? '') ? (body.agg as AggregationKind) : undefined;
    const namespace = body.namespace ?? defaultNamespaceFor(scope);
    // Raw points and `pod-by-namespace` read the one namespace asked for; the other aggregations,
    // cluster-wide. A namespace the caller may not read is refused whatever the period.
    const filter = namespaceFilterFor(scope, !agg || agg === 'pod-by-namespace' ? { namespace } : {});
    // Raw points are bounded by `limit`; an aggregation reads every sample of its period.
    const period = resolvePeriod(body.timeBeginInterval, body.timeEndInterval, { defaultSpanMs: DEFAULT_SPAN_MS, maxDays: agg ? MAX_PERIOD_DAYS : undefined });
    if (!agg) {
      const points = await this.raw.query(source, filter, period, body.limit ?? 100);
      return points.length ? points : EMPTY_SET;
    }
    const rows = await this.limiter.run(scope, (admit) => this.aggregation.aggregate(agg, definition, source, period, filter, admit));
    return rows.length ? rows : EMPTY_SET;
  }
}

/**
 * The namespace of a query that names none: `default`, as the seed answered, for whoever may read
 * it; else the first (in name order) of the caller's own, so a viewer's first query is not a 403.
 */
export function defaultNamespaceFor(scope: AccessScope): string {
  const allowed = allowedNamespaces(scope);
  if (allowed === 'all' || allowed.includes('default') || allowed.length === 0) return 'default';
  return [...allowed].sort()[0] as string;
}
