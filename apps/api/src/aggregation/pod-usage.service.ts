import { Inject, Injectable } from '@nestjs/common';

import { ContainerPodSelection, MetricUsage, NamespaceFilter, UsageEngine, UsageOptions, UsagePeriod } from '@kube-monitoring/accounting';
import { MetricSource } from '@kube-monitoring/influx';

import { SettledPeriodCache } from '../cache/settled-period-cache';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SourceSampleStore, USAGE_SAMPLES } from '../influx/reader-tokens';

/** Cached usage answers hold at most this many pods in all (~100 MB at most), whatever their count. */
const MAX_CACHED_PODS = 200_000;

/**
 * The usage computation of the API: the framework-free engine of `@kube-monitoring/accounting`,
 * given the configured resolution, the cache of settled periods and the samples in InfluxDB.
 */
@Injectable()
export class PodUsageService {
  private readonly engine: UsageEngine;

  constructor(
    @Inject(USAGE_SAMPLES) private readonly samples: SourceSampleStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.engine = new UsageEngine(samples, {
      fixedStepMs: config.metricsResolutionSeconds * 1000,
      cache: new SettledPeriodCache<MetricUsage>({ ...config.settledCache, maxWeight: MAX_CACHED_PODS }),
    });
  }

  /** The sample resolution: configured, or detected from the data around the period. */
  stepMs(source: MetricSource, period: UsagePeriod): Promise<number> {
    return this.engine.stepMs(this.samples.forSource(source), period);
  }

  /** Each pod's usage of one metric over a period, each pod once; group totals when asked for. */
  usage(source: MetricSource, period: UsagePeriod, ns: NamespaceFilter, stepMs: number, options: UsageOptions = {}): Promise<MetricUsage> {
    return this.engine.usage(this.samples.forSource(source), period, ns, stepMs, options);
  }

  /** Which pods charts read from their containers, from the index alone. */
  containerSelectionFromIndex(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date): Promise<ContainerPodSelection | undefined> {
    return this.engine.containerSelectionFromIndex(this.samples.forSource(source), ns, from, to);
  }
}
