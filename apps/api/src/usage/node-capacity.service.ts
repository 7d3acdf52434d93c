import { Inject, Injectable, Logger } from '@nestjs/common';

import { HOUR_MS, hourCeil, hourFloor, nodeFigures, planSpans } from '@kube-monitoring/accounting';
import { NodeGpusReader } from '@kube-monitoring/influx';

import { Period } from '../common/period';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LedgerStore } from '../database/ledger/ledger-store';
import { LedgerNodeStore } from '../database/ledger/node-hours-store';
import { UserDatabaseUnavailableException } from '../database/user-database';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { NODE_GPUS_READER, SourceSampleStore, USAGE_SAMPLES } from '../influx/reader-tokens';

/** What nodes offer: their allocatable CPU and memory. */
const ALLOCATABLE = { cpu: 'cpu/node_allocatable', memory: 'memory/node_allocatable' } as const;

/**
 * A ledger metric rolled by the release that rolls node capacity in every schema: hours rolled with
 * it hold their nodes' rows (Telegraf's from `kube_inventory` too).
 */
const ROLLED_WITH_NODES = 'cpu/request';

/**
 * Allocatable CPU (millicore·s) and memory (byte·s) offered by every node over a period, and GPU
 * device·s where nodes are labelled with their GPU count (undefined when none is).
 */
export interface OfferedCapacity {
  cpu: number;
  memory: number;
  gpu?: number;
}

/**
 * What the nodes offered over a period, summed over nodes: the ledger's node-hours where rolled, the
 * node series live for the rest (the same gap rule either way), stitched at hour boundaries.
 */
@Injectable()
export class NodeCapacityService {
  private readonly logger = new Logger(NodeCapacityService.name);

  constructor(
    private readonly sources: MetricSourceResolver,
    @Inject(USAGE_SAMPLES) private readonly samples: SourceSampleStore,
    @Inject(NODE_GPUS_READER) private readonly gpus: NodeGpusReader,
    private readonly ledger: LedgerStore,
    private readonly nodes: LedgerNodeStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async offered(period: Period, stepMs: number): Promise<OfferedCapacity> {
    const fromMs = period.from.getTime();
    const toMs = period.to.getTime();
    const rolled = await this.rolledHours(fromMs, toMs);
    const spans = planSpans(fromMs, toMs, rolled);
    const out: OfferedCapacity = { cpu: 0, memory: 0 };
    /** Per node, the time its allocatable CPU was seen: how long it offered its GPUs. */
    const upMs = new Map<string, number>();
    const [stored, live, gpus] = await Promise.all([
      rolled.length > 0 ? this.nodes.nodeHours(rolled[0] as number, (rolled[rolled.length - 1] as number) + HOUR_MS) : [],
      Promise.all(spans.filter((s) => s.source === 'live').map((s) => this.live({ fromMs: s.fromMs, toMs: s.toMs, stepMs }))),
      this.sources.schema().then((schema) => this.gpus.gpuCounts(schema, period.from, period.to)),
    ]);
    const inLedger = new Set(rolled);
    for (const h of stored) {
      if (!inLedger.has(h.hourMs)) continue;
      out.cpu += h.cpu.integral;
      out.memory += h.memory.integral;
      upMs.set(h.node, (upMs.get(h.node) ?? 0) + h.cpu.coveredMs);
    }
    for (const part of live) {
      out.cpu += part.cpu;
      out.memory += part.memory;
      for (const [node, ms] of part.upMs) upMs.set(node, (upMs.get(node) ?? 0) + ms);
    }
    if (gpus.size > 0) out.gpu = [...gpus].reduce((sum, [node, count]) => sum + (count * (upMs.get(node) ?? 0)) / 1000, 0);
    return out;
  }

  private async rolledHours(fromMs: number, toMs: number): Promise<number[]> {
    if (!this.config.ledger.enabled) return [];
    try {
      return await this.ledger.rolledHours(hourCeil(fromMs), hourFloor(toMs), ROLLED_WITH_NODES);
    } catch (e) {
      if (!(e instanceof UserDatabaseUnavailableException)) throw e;
      this.logger.warn('usage ledger unreachable: node capacity is read from the samples');
      return [];
    }
  }

  private async live(window: { fromMs: number; toMs: number; stepMs: number }): Promise<{ cpu: number; memory: number; upMs: Map<string, number> }> {
    const read = async (metric: string) => {
      const source = await this.sources.sourceOf(metric);
      return source?.nodeLevel ? nodeFigures(this.samples.forSource(source), window) : [];
    };
    const [cpu, memory] = await Promise.all([read(ALLOCATABLE.cpu), read(ALLOCATABLE.memory)]);
    const sum = (nodes: typeof cpu) => nodes.reduce((acc, n) => acc + n.figures.integral, 0);
    return { cpu: sum(cpu), memory: sum(memory), upMs: new Map(cpu.map((n) => [n.node, n.figures.coveredMs])) };
  }
}
