import { Inject, Injectable, Logger } from '@nestjs/common';

import { HOUR_MS, NamespaceFilter, nodeFigures, NodeShare, nodeSharesOf, planSpans, PodNodeSamples, UsageSpan } from '@kube-monitoring/accounting';
import { NodeGpusReader, PodNodesReader } from '@kube-monitoring/influx';

import { Period } from '../common/period';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { POD_NODES_SINCE } from '../database/ledger/ledger-metrics';
import { LedgerStore } from '../database/ledger/ledger-store';
import { LedgerNodeStore } from '../database/ledger/node-hours-store';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { NODE_GPUS_READER, POD_NODES_READER, SourceSampleStore, USAGE_SAMPLES } from '../influx/reader-tokens';
import { rolledHoursOrNone } from './rolled-hours';

/** What nodes offer: their allocatable CPU and memory. */
const ALLOCATABLE = { cpu: 'cpu/node_allocatable', memory: 'memory/node_allocatable' } as const;

/**
 * A ledger metric rolled by the release that rolls node capacity in every schema: hours rolled with
 * it hold their nodes' rows (Telegraf's from `kube_inventory` too).
 */
const ROLLED_WITH_NODES = 'cpu/request';

/** The metric whose series say which node a pod ran on (as the ledger's roller reads it). */
const POD_NODES_METRIC = 'cpu/usage_rate';

/**
 * Allocatable CPU (millicore·s) and memory (byte·s) offered over a period, and GPU device·s where
 * nodes are labelled with their GPU count (undefined when none is).
 */
export interface OfferedCapacity {
  cpu: number;
  memory: number;
  gpu?: number;
}

/**
 * What the nodes offered over a period, per node and in all, and which node each pod ran on: the
 * ledger's node-hours and pod-nodes where rolled, the samples live for the rest (the same gap rule
 * either way), stitched at hour boundaries.
 */
@Injectable()
export class NodeCapacityService {
  private readonly logger = new Logger(NodeCapacityService.name);

  constructor(
    private readonly sources: MetricSourceResolver,
    @Inject(USAGE_SAMPLES) private readonly samples: SourceSampleStore,
    @Inject(NODE_GPUS_READER) private readonly gpus: NodeGpusReader,
    @Inject(POD_NODES_READER) private readonly podNodeReader: PodNodesReader,
    private readonly ledger: LedgerStore,
    private readonly nodes: LedgerNodeStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Over every node. */
  async offered(period: Period, stepMs: number): Promise<OfferedCapacity> {
    const out: OfferedCapacity = { cpu: 0, memory: 0 };
    for (const node of (await this.offeredPerNode(period, stepMs)).values()) {
      out.cpu += node.cpu;
      out.memory += node.memory;
      if (node.gpu !== undefined) out.gpu = (out.gpu ?? 0) + node.gpu;
    }
    return out;
  }

  /** Per node seen offering capacity (GPUs only on nodes labelled with their count). */
  async offeredPerNode(period: Period, stepMs: number): Promise<Map<string, OfferedCapacity>> {
    const fromMs = period.from.getTime();
    const toMs = period.to.getTime();
    const rolled = await this.rolledHours(fromMs, toMs, (f, t) => this.ledger.rolledHours(f, t, ROLLED_WITH_NODES));
    const spans = planSpans(fromMs, toMs, rolled);
    const out = new Map<string, OfferedCapacity & { upMs: number }>();
    const nodeOf = (node: string) => {
      const entry = out.get(node) ?? { cpu: 0, memory: 0, upMs: 0 };
      out.set(node, entry);
      return entry;
    };
    const [stored, live, gpus] = await Promise.all([
      rolled.length > 0 ? this.nodes.nodeHours(rolled[0] as number, (rolled[rolled.length - 1] as number) + HOUR_MS) : [],
      Promise.all(liveSpans(spans).map((s) => this.live({ fromMs: s.fromMs, toMs: s.toMs, stepMs }))),
      this.sources.schema().then((schema) => this.gpus.gpuCounts(schema, period.from, period.to)),
    ]);
    const inLedger = new Set(rolled);
    for (const h of stored) {
      if (!inLedger.has(h.hourMs)) continue;
      const n = nodeOf(h.node);
      n.cpu += h.cpu.integral;
      n.memory += h.memory.integral;
      // The time its allocatable CPU was seen: how long it offered its GPUs.
      n.upMs += h.cpu.coveredMs;
    }
    for (const part of live) {
      for (const [node, f] of part) {
        const n = nodeOf(node);
        n.cpu += f.cpu;
        n.memory += f.memory;
        n.upMs += f.upMs;
      }
    }
    for (const [node, count] of gpus) nodeOf(node).gpu = (count * (out.get(node)?.upMs ?? 0)) / 1000;
    return new Map([...out].map(([node, n]) => [node, { cpu: n.cpu, memory: n.memory, ...(n.gpu !== undefined ? { gpu: n.gpu } : {}) }]));
  }

  /** Per pod (`podId`), the nodes it ran on in the period and the part of its figures each gets. */
  async podNodeShares(period: Period, ns: NamespaceFilter): Promise<Map<string, NodeShare[]>> {
    const fromMs = period.from.getTime();
    const toMs = period.to.getTime();
    const rolled = await this.rolledHours(fromMs, toMs, (f, t) => this.ledger.rolledHoursSince(f, t, POD_NODES_SINCE));
    const inLedger = new Set(rolled);
    const source = await this.sources.sourceOf(POD_NODES_METRIC);
    const [stored, live] = await Promise.all([
      rolled.length > 0 ? this.nodes.podNodes(rolled[0] as number, (rolled[rolled.length - 1] as number) + HOUR_MS) : [],
      source ? Promise.all(liveSpans(planSpans(fromMs, toMs, rolled)).map((s) => this.podNodeReader.podNodes(source, ns, new Date(s.fromMs), new Date(s.toMs)))) : [],
    ]);
    const wanted = (c: PodNodeSamples) => (!ns.only || ns.only.includes(c.namespace)) && !(ns.exclude ?? []).includes(c.namespace);
    return nodeSharesOf([...stored.filter((c) => inLedger.has(c.hourMs) && wanted(c)), ...live.flat()]);
  }

  private rolledHours(fromMs: number, toMs: number, read: (fromHour: number, toHour: number) => Promise<number[]>): Promise<number[]> {
    return rolledHoursOrNone(this.config.ledger.enabled, fromMs, toMs, read, () => this.logger.warn('usage ledger unreachable: nodes are read from the samples'));
  }

  /** Per node, what it offered over a window and how long its allocatable CPU was seen. */
  private async live(window: { fromMs: number; toMs: number; stepMs: number }): Promise<Map<string, { cpu: number; memory: number; upMs: number }>> {
    const read = async (metric: string) => {
      const source = await this.sources.sourceOf(metric);
      return source?.nodeLevel ? nodeFigures(this.samples.forSource(source), window) : [];
    };
    const [cpu, memory] = await Promise.all([read(ALLOCATABLE.cpu), read(ALLOCATABLE.memory)]);
    const out = new Map<string, { cpu: number; memory: number; upMs: number }>();
    const entry = (node: string) => {
      const e = out.get(node) ?? { cpu: 0, memory: 0, upMs: 0 };
      out.set(node, e);
      return e;
    };
    for (const n of cpu) Object.assign(entry(n.node), { cpu: n.figures.integral, upMs: n.figures.coveredMs });
    for (const n of memory) entry(n.node).memory = n.figures.integral;
    return out;
  }
}

function liveSpans(spans: readonly UsageSpan[]): UsageSpan[] {
  return spans.filter((s) => s.source === 'live');
}
