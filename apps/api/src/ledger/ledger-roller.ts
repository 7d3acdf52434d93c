import { Inject, Injectable } from '@nestjs/common';

import { HOUR_MS, mergePodLabels, MetricHour, NodeHour, PodNodeSamples, rollMetricHour, rollNodeHour, SampleCounts, UsageEngine } from '@kube-monitoring/accounting';
import { PodLabelsReader, PodNodesReader } from '@kube-monitoring/influx';

import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LEDGER_METRICS } from '../database/ledger/ledger-metrics';
import { LedgerStore } from '../database/ledger/ledger-store';
import { LedgerNodeStore } from '../database/ledger/node-hours-store';
import { PodLabelsOfHour } from '../database/ledger/pod-labels-store';
import { MeasuredSamples } from '../influx/measured-samples';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { POD_LABELS_READER, POD_NODES_READER, SourceSampleStore, USAGE_SAMPLES } from '../influx/reader-tokens';

/** What nodes offer, rolled per hour beside the pods' usage (idle capacity is what they offered and no pod used). */
const NODE_METRICS = { cpu: 'cpu/node_allocatable', memory: 'memory/node_allocatable' } as const;

/** The metric whose series say which node a pod ran on and its labels (every schema tags its pods' series with both). */
const POD_NODES_METRIC = 'cpu/usage_rate';

/** What rolling one hour read: per metric the samples stored in it, compared later to notice late ones. */
export type RawSampleCounts = Record<string, number>;

/**
 * Rolls hours into the ledger: every ledger metric of the hour through the one usage computation
 * (no cache: each roll reads what is stored now), written in one transaction that replaces the hour.
 */
@Injectable()
export class LedgerRoller {
  private readonly engine: UsageEngine;
  /** The step of node series when no pod metric was rolled (a cluster without pods that hour). */
  private readonly fallbackStepMs: number;

  constructor(
    @Inject(USAGE_SAMPLES) private readonly samples: SourceSampleStore,
    private readonly sources: MetricSourceResolver,
    private readonly measured: MeasuredSamples,
    private readonly store: LedgerStore,
    private readonly nodes: LedgerNodeStore,
    @Inject(POD_NODES_READER) private readonly podNodes: PodNodesReader,
    @Inject(POD_LABELS_READER) private readonly podLabels: PodLabelsReader,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.engine = new UsageEngine(samples, { fixedStepMs: config.metricsResolutionSeconds * 1000 });
    this.fallbackStepMs = config.metricsResolutionSeconds > 0 ? config.metricsResolutionSeconds * 1000 : 60_000;
  }

  /**
   * Rolls one hour and stores it; answers the pods rolled. `counted`: the hour's raw sample counts when
   * the caller has just read them (a count taken before the roll can only make a later check roll again).
   */
  async roll(hourMs: number, counted?: RawSampleCounts): Promise<number> {
    const rolls: MetricHour[] = [];
    const rawSamples: RawSampleCounts = {};
    // Metrics one after the other: a backfill must leave InfluxDB room for the reports being served.
    for (const m of LEDGER_METRICS) {
      const samples = await this.measured.of(m.metric);
      if (!samples) continue;
      const counter = await this.countsOf(m.metric);
      const known = counted?.[m.key];
      const [roll, counts] = await Promise.all([
        rollMetricHour(this.engine, samples, hourMs, { namespaces: !m.podsOnly }),
        known === undefined ? counter?.samplesPerBucket(new Date(hourMs), new Date(hourMs + HOUR_MS), HOUR_MS) : undefined,
      ]);
      rolls.push(roll);
      if (counter) rawSamples[m.key] = known ?? counts?.get(hourMs) ?? 0;
    }
    const stepMs = rolls[0]?.stepMs ?? this.fallbackStepMs;
    const [cpu, memory, onNodes, podLabels] = await Promise.all([
      this.rollNodes(NODE_METRICS.cpu, hourMs, stepMs),
      this.rollNodes(NODE_METRICS.memory, hourMs, stepMs),
      this.podNodesOf(hourMs),
      this.podLabelsOf(hourMs),
    ]);
    // Nodes first: an hour is rolled once its own row is written, so a crash in between leaves it to be rolled again, whole.
    await this.nodes.writeNodeHours(hourMs, cpu, memory, onNodes);
    // The labels in the hour's own transaction: an hour holding allocation version 3 holds its labels.
    await this.store.writeHour(hourMs, rolls, { rawSamples, podLabels });
    return new Set(rolls.flatMap((r) => r.pods.map((p) => `${p.namespace}\u0000${p.pod}`))).size;
  }

  /**
   * The sample counts of a stored metric, for the late-sample check and the backfill's start; none for
   * a joined one (GPU devices: their requests are written in the scrapes of the usage counted beside them).
   */
  private async countsOf(metric: string): Promise<SampleCounts | undefined> {
    const source = await this.sources.sourceOf(metric);
    return source ? this.samples.forSource(source) : undefined;
  }

  /** A node metric's hour, where the schema stores node series (Heapster's `type=node`); none otherwise. */
  private async rollNodes(metric: string, hourMs: number, stepMs: number): Promise<NodeHour[]> {
    const source = await this.sources.sourceOf(metric);
    if (!source?.nodeLevel) return [];
    return rollNodeHour(this.samples.forSource(source), hourMs, stepMs);
  }

  /** Which node each pod of the hour ran on, every namespace. */
  private async podNodesOf(hourMs: number): Promise<PodNodeSamples[]> {
    const source = await this.sources.sourceOf(POD_NODES_METRIC);
    return source ? this.podNodes.podNodes(source, {}, new Date(hourMs), new Date(hourMs + HOUR_MS)) : [];
  }

  /** Each pod's labels at the end of the hour (its latest in the hour), every namespace; pods without labels have none. */
  private async podLabelsOf(hourMs: number): Promise<PodLabelsOfHour[]> {
    const source = await this.sources.sourceOf(POD_NODES_METRIC);
    if (!source) return [];
    const seen = await this.podLabels.podLabels(await this.sources.schema(), source, {}, new Date(hourMs), new Date(hourMs + HOUR_MS));
    return [...mergePodLabels(seen).values()].map(({ namespace, pod, labels }) => ({ namespace, pod, labels }));
  }

  /** Per hour start in [fromMs, toMs), the samples stored now of every ledger metric (for the late-sample check). */
  async rawCounts(fromMs: number, toMs: number): Promise<Map<number, RawSampleCounts>> {
    const out = new Map<number, RawSampleCounts>();
    for (const m of LEDGER_METRICS) {
      const counter = await this.countsOf(m.metric);
      if (!counter) continue;
      const counts = await counter.samplesPerBucket(new Date(fromMs), new Date(toMs), HOUR_MS);
      for (let h = fromMs; h < toMs; h += HOUR_MS) {
        const entry = out.get(h) ?? {};
        entry[m.key] = counts.get(h) ?? 0;
        out.set(h, entry);
      }
    }
    return out;
  }

  /** The oldest sample of any ledger metric (epoch ms), undefined when InfluxDB holds none. */
  async oldestSampleMs(): Promise<number | undefined> {
    let oldest: number | undefined;
    for (const m of LEDGER_METRICS) {
      const counter = await this.countsOf(m.metric);
      if (!counter) continue;
      const first = await counter.firstSampleMs();
      if (first !== undefined && (oldest === undefined || first < oldest)) oldest = first;
    }
    return oldest;
  }
}
