import { Inject, Injectable, Logger } from '@nestjs/common';

import { HOUR_MS, mergePodLabels, NamespaceFilter, planSpans, PodLabelObservation, UsageSpan } from '@kube-monitoring/accounting';
import { PodLabelsReader } from '@kube-monitoring/influx';

import { Period } from '../common/period';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { POD_LABELS_SINCE } from '../database/ledger/ledger-metrics';
import { LedgerStore } from '../database/ledger/ledger-store';
import { LedgerPodLabelStore } from '../database/ledger/pod-labels-store';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { POD_LABELS_READER } from '../influx/reader-tokens';
import { rolledHoursOrNone } from './rolled-hours';

/** The metric whose pods' series carry their labels (as the ledger's roller reads them). */
const POD_LABELS_METRIC = 'cpu/usage_rate';

/**
 * Each pod's Kubernetes labels over a period, for billing by label (`{"label": "team", "value": "vision"}`):
 * the ledger's rows for the hours it rolled with labels (allocation version 3), the samples live for
 * the rest — partial hours at the edges, hours not rolled yet or rolled by a release before — stitched
 * at hour boundaries as `NodeCapacityService.podNodeShares` does. While the users' database is
 * unreachable, every hour is read live (logged).
 */
@Injectable()
export class PodLabelsService {
  private readonly logger = new Logger(PodLabelsService.name);

  constructor(
    private readonly sources: MetricSourceResolver,
    @Inject(POD_LABELS_READER) private readonly reader: PodLabelsReader,
    private readonly ledger: LedgerStore,
    private readonly labels: LedgerPodLabelStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Per pod (the engine's `podId`: namespace and name) seen with labels in the period and the
   * namespaces of `ns`, its labels: those of its latest observation, whole (`mergePodLabels`). A pod
   * relabelled during the period has its newest labels; a pod without labels is absent.
   */
  async podLabels(period: Period, ns: NamespaceFilter): Promise<Map<string, Record<string, string>>> {
    if (ns.only?.length === 0) return new Map();
    const fromMs = period.from.getTime();
    const toMs = period.to.getTime();
    const rolled = await this.rolledHours(fromMs, toMs);
    const spans = planSpans(fromMs, toMs, rolled).filter((s) => s.source === 'live');
    // Every read started before any is awaited: one failing fails the answer at once, none is left unobserved.
    const [stored, live] = await Promise.all([
      // Hours are disjoint from the live spans: a pod's latest rolled hour orders with them by its start.
      rolled.length > 0 ? this.labels.latestPodLabels(rolled[0] as number, (rolled[rolled.length - 1] as number) + HOUR_MS, ns, POD_LABELS_SINCE) : [],
      // InfluxDB only when some of the period is live: rolled periods are answered without it.
      spans.length > 0 ? this.live(spans, ns) : [],
    ]);
    const merged = mergePodLabels([...stored, ...live]);
    return new Map([...merged].map(([id, o]) => [id, { ...o.labels }]));
  }

  /** What the samples say of the live spans: a query per span, all started at once. */
  private async live(spans: readonly UsageSpan[], ns: NamespaceFilter): Promise<PodLabelObservation[]> {
    const source = await this.sources.sourceOf(POD_LABELS_METRIC);
    if (!source) return [];
    const schema = await this.sources.schema();
    const reads = await Promise.all(spans.map((s) => this.reader.podLabels(schema, source, ns, new Date(s.fromMs), new Date(s.toMs))));
    return reads.flat();
  }

  /** The whole hours of the period rolled with labels; none while the ledger is off or unreachable. */
  private rolledHours(fromMs: number, toMs: number): Promise<number[]> {
    return rolledHoursOrNone(
      this.config.ledger.enabled,
      fromMs,
      toMs,
      (f, t) => this.ledger.rolledHoursSince(f, t, POD_LABELS_SINCE),
      () => this.logger.warn('usage ledger unreachable: pod labels are read from the samples'),
    );
  }
}
