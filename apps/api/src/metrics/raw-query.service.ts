import { Inject, Injectable } from '@nestjs/common';

import { NamespaceFilter } from '@kube-monitoring/accounting';
import { RawPoint } from '@kube-monitoring/contract';
import { MetricSource, RawPointsReader } from '@kube-monitoring/influx';

import { SettledPeriodCache } from '../cache/settled-period-cache';
import { Period } from '../common/period';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RAW_POINTS_READER } from '../influx/reader-tokens';

/** Cached raw answers hold at most this many points in all (~50 MB), whatever their count. */
const MAX_CACHED_POINTS = 100_000;

/** The newest samples of a metric in the namespaces of a filter, with every tag (the seed's query without `agg`). */
@Injectable()
export class RawQueryService {
  private readonly settled: SettledPeriodCache<RawPoint[]>;

  constructor(
    @Inject(RAW_POINTS_READER) private readonly reader: RawPointsReader,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.settled = new SettledPeriodCache({ ...config.settledCache, maxWeight: MAX_CACHED_POINTS });
  }

  /** Samples of a period that is over and settled do not change: such answers are kept for a while. */
  query(source: MetricSource, ns: NamespaceFilter, period: Period, limit: number): Promise<RawPoint[]> {
    const key = JSON.stringify([source, ns, period.from.getTime(), period.to.getTime(), limit]);
    return this.settled.get(
      key,
      period.to.getTime(),
      () => this.reader.points(source, ns, period.from, period.to, limit),
      (points) => points.length,
    );
  }
}
