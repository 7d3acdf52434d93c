import { Inject, Injectable, Logger } from '@nestjs/common';

import {
  ContainerPodSelection,
  hourCeil,
  hourFloor,
  MetricSamples,
  NamespaceFilter,
  StitchedUsage,
  stitchedUsage,
  UsageEngine,
  UsageOptions,
  UsagePeriod,
} from '@kube-monitoring/accounting';
import { MetricSource } from '@kube-monitoring/influx';

import { SettledPeriodCache } from '../cache/settled-period-cache';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LedgerStore } from '../database/ledger/ledger-store';
import { UserDatabaseUnavailableException } from '../database/user-database';
import { SourceSampleStore, USAGE_SAMPLES } from '../influx/reader-tokens';

/** Cached usage answers hold at most this many pods in all (~100 MB at most), whatever their count. */
const MAX_CACHED_PODS = 200_000;

/**
 * The usage computation of the API: settled hours from the usage ledger where they are rolled, the
 * rest from the framework-free engine of `@kube-monitoring/accounting` over the samples in InfluxDB
 * (with the configured resolution and the cache of settled periods), stitched at hour boundaries.
 */
@Injectable()
export class PodUsageService {
  private readonly logger = new Logger(PodUsageService.name);
  private readonly engine: UsageEngine;
  private ledgerDownLogged = false;

  constructor(
    @Inject(USAGE_SAMPLES) private readonly samples: SourceSampleStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ledger: LedgerStore,
  ) {
    this.engine = new UsageEngine(samples, {
      fixedStepMs: config.metricsResolutionSeconds * 1000,
      cache: new SettledPeriodCache({ ...config.settledCache, maxWeight: MAX_CACHED_PODS }),
    });
  }

  /** The sample resolution: configured, else that of the ledger's rolled hours in the period, else detected from the data around it. */
  async stepMs(source: MetricSource | MetricSamples, period: UsagePeriod): Promise<number> {
    const samples = this.samplesOf(source);
    if (this.config.metricsResolutionSeconds === 0 && this.config.ledger.enabled && this.ledger.metrics.includes(source.metric)) {
      const rolled = await this.fromLedger(() => this.ledger.stepMs(source.metric, hourCeil(period.from.getTime()), hourFloor(period.to.getTime())));
      if (rolled !== undefined) return rolled;
    }
    return this.engine.stepMs(samples, period);
  }

  /** Each pod's usage of one metric over a period, each pod once; group totals when asked for; where each part came from. */
  async usage(source: MetricSource | MetricSamples, period: UsagePeriod, ns: NamespaceFilter, stepMs: number, options: UsageOptions = {}): Promise<StitchedUsage> {
    const samples = this.samplesOf(source);
    const live = (s: MetricSamples, p: UsagePeriod, n: NamespaceFilter, step: number, o: UsageOptions) => this.engine.usage(s, p, n, step, o);
    const allLive = async () => ({
      ...(await live(samples, period, ns, stepMs, options)),
      spans: [{ fromMs: period.from.getTime(), toMs: period.to.getTime(), source: 'live' as const }],
    });
    if (!this.config.ledger.enabled) return allLive();
    return (await this.fromLedger(() => stitchedUsage(this.ledger, live, samples, period, ns, stepMs, options))) ?? allLive();
  }

  /** A stored metric's samples, or samples joined from several (a pod's GPU devices). */
  private samplesOf(source: MetricSource | MetricSamples): MetricSamples {
    return 'cacheKey' in source ? source : this.samples.forSource(source);
  }

  /** Which pods charts read from their containers, from the index alone. */
  containerSelectionFromIndex(source: MetricSource, ns: NamespaceFilter, from: Date, to: Date): Promise<ContainerPodSelection | undefined> {
    return this.engine.containerSelectionFromIndex(this.samples.forSource(source), ns, from, to);
  }

  /**
   * A read that needs the ledger: undefined while the users' database is down, so reports are
   * computed live from the samples meanwhile (logged once per outage).
   */
  private async fromLedger<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await read();
      this.ledgerDownLogged = false;
      return result;
    } catch (err) {
      if (!(err instanceof UserDatabaseUnavailableException)) throw err;
      if (!this.ledgerDownLogged) this.logger.warn('usage ledger unreachable (users database down): reports are computed from the samples until it is back');
      this.ledgerDownLogged = true;
      return undefined;
    }
  }
}
