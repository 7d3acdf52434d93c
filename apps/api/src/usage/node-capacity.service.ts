import { Inject, Injectable, Logger } from '@nestjs/common';

import { HOUR_MS, hourCeil, hourFloor, nodeFigures, planSpans } from '@kube-monitoring/accounting';

import { Period } from '../common/period';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LedgerStore } from '../database/ledger/ledger-store';
import { LedgerNodeStore } from '../database/ledger/node-hours-store';
import { UserDatabaseUnavailableException } from '../database/user-database';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { SourceSampleStore, USAGE_SAMPLES } from '../influx/reader-tokens';

/** What nodes offer: their allocatable CPU and memory. */
const ALLOCATABLE = { cpu: 'cpu/node_allocatable', memory: 'memory/node_allocatable' } as const;

/**
 * A ledger metric rolled by the release that rolls node capacity in every schema: hours rolled with
 * it hold their nodes' rows (Telegraf's from `kube_inventory` too).
 */
const ROLLED_WITH_NODES = 'cpu/request';

/** Allocatable CPU (millicore·s) and memory (byte·s) offered by every node over a period. */
export interface OfferedCapacity {
  cpu: number;
  memory: number;
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
    const [stored, live] = await Promise.all([
      rolled.length > 0 ? this.nodes.nodeHours(rolled[0] as number, (rolled[rolled.length - 1] as number) + HOUR_MS) : [],
      Promise.all(spans.filter((s) => s.source === 'live').map((s) => this.live({ fromMs: s.fromMs, toMs: s.toMs, stepMs }))),
    ]);
    const inLedger = new Set(rolled);
    for (const h of stored) {
      if (!inLedger.has(h.hourMs)) continue;
      out.cpu += h.cpu.integral;
      out.memory += h.memory.integral;
    }
    for (const part of live) {
      out.cpu += part.cpu;
      out.memory += part.memory;
    }
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

  private async live(window: { fromMs: number; toMs: number; stepMs: number }): Promise<OfferedCapacity> {
    const read = async (metric: string) => {
      const source = await this.sources.sourceOf(metric);
      if (!source?.nodeLevel) return 0;
      return (await nodeFigures(this.samples.forSource(source), window)).reduce((sum, n) => sum + n.figures.integral, 0);
    };
    const [cpu, memory] = await Promise.all([read(ALLOCATABLE.cpu), read(ALLOCATABLE.memory)]);
    return { cpu, memory };
  }
}
