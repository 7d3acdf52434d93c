import { BadRequestException, ForbiddenException, Inject, Injectable } from '@nestjs/common';

import {
  AbsentSamples,
  compareNames,
  comparePods,
  GPU_DEVICES_METRIC,
  IdleCapacity,
  idleCapacity,
  MetricSamples,
  MetricUsage,
  NamespaceFilter,
  NodeShare,
  PER_SAMPLE_MAX_METRICS,
  podId,
  PodKey,
  reportSteps,
  resolveWindow,
  rollupNamespaces,
  rollupTotal,
  roundFigure,
  SeriesFigures,
  UsageSpan,
  WindowError,
} from '@kube-monitoring/accounting';
import {
  BillingBasis,
  BYTES_PER_GIB,
  IDLE_ROW,
  INSTANT_RANGE,
  isAcceptedInstant,
  MAX_PERIOD_DAYS,
  ReportStep,
  UsageFigures,
  UsageGroupBy,
  UsageReport,
  UsageReportRow,
  UsageSource,
} from '@kube-monitoring/contract';

import { AccessScope } from '../access/access-scope';
import { namespaceFilterFor, seesEveryNamespace } from '../access/namespace-policy';
import { PodUsageService } from '../aggregation/pod-usage.service';
import { Period, resolvePeriod } from '../common/period';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MeasuredSamples } from '../influx/measured-samples';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { HeavyRequestLimiter } from '../limits/heavy-request-limiter';
import { NodeCapacityService, OfferedCapacity } from './node-capacity.service';
import { MAX_REPORT_STEPS, UsageReportRequestDto } from './usage.dto';

/** The three billed quantities: where they are read and how a stored value becomes the billed unit. */
export const REPORT_METRICS = [
  { key: 'cpu', metric: 'cpu/usage_rate', perUnit: 1000, hours: 'cpu_core_hours', average: 'cpu_cores_average', peak: 'cpu_cores_peak' },
  { key: 'memory', metric: 'memory/usage', perUnit: BYTES_PER_GIB, hours: 'memory_gib_hours', average: 'memory_gib_average', peak: 'memory_gib_peak' },
  { key: 'gpu', metric: 'gpu/usage', perUnit: 1000, hours: 'gpu_memory_gb_hours', average: 'gpu_memory_gb_average', peak: 'gpu_memory_gb_peak' },
] as const satisfies readonly {
  key: string;
  metric: string;
  /** Stored units per billed unit: millicores per core, bytes per GiB, MB per GB. */
  perUnit: number;
  hours: keyof UsageFigures;
  average: keyof UsageFigures;
  peak: keyof UsageFigures;
}[];

type ReportMetric = (typeof REPORT_METRICS)[number];

/**
 * What pods hold beside what they use: the time integral of their requests while they run (a gauge
 * like any other, through the same computation), and the usage figure it is the efficiency of.
 */
export const ALLOCATION_METRICS = [
  { key: 'cpu_request', metric: 'cpu/request', perUnit: 1000, hours: 'cpu_request_core_hours', used: 'cpu_core_hours', efficiency: 'cpu_efficiency' },
  {
    key: 'memory_request',
    metric: 'memory/request',
    perUnit: BYTES_PER_GIB,
    hours: 'memory_request_gib_hours',
    used: 'memory_gib_hours',
    efficiency: 'memory_efficiency',
  },
  // GPU devices held (whole, MIG slices, HAMi shares), joined from the GPU resource requests.
  { key: 'gpu_devices', metric: GPU_DEVICES_METRIC, perUnit: 1, hours: 'gpu_hours' },
] as const satisfies readonly {
  key: string;
  metric: string;
  perUnit: number;
  hours: keyof UnbilledFigures;
  used?: keyof UnbilledFigures;
  efficiency?: keyof UnbilledFigures;
}[];

/** Every metric a report reads, in the order of the usages `buildUsageReport` takes. */
export const MEASURED_METRICS: readonly string[] = [...REPORT_METRICS, ...ALLOCATION_METRICS].map((m) => m.metric);

/** A group's figures before the basis decides what is billed. */
type UnbilledFigures = Omit<UsageFigures, 'billed_cpu_core_hours' | 'billed_memory_gib_hours' | 'billed_gpu_hours'>;
type UnbilledRow = UnbilledFigures & Pick<UsageReportRow, 'namespace_name' | 'pod_name' | 'node_name' | 'pods'>;

/** What one group (pod, namespace, everything) contributes for one metric. */
interface GroupMeasure {
  /** ∫ value dt in stored unit·seconds. */
  integral: number;
  /** Time of the period with data, ms (the group's own series: a namespace's is the union of its pods'). */
  coveredMs: number;
  /** Largest value at one step, stored unit; -Infinity without samples. */
  peak: number;
}

/**
 * `POST /api/usage`: the billing report (CPU core-hours, memory GiB-hours, GPU-memory GB-hours) over
 * a period, per namespace or per pod, from the same computation as the seed's aggregations
 * (`PodUsageService`). The three metrics run concurrently.
 */
@Injectable()
export class UsageReportService {
  constructor(
    private readonly sources: MetricSourceResolver,
    private readonly measured: MeasuredSamples,
    private readonly podUsage: PodUsageService,
    private readonly limiter: HeavyRequestLimiter,
    private readonly nodes: NodeCapacityService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async report(body: UsageReportRequestDto, scope: AccessScope, now: Date = new Date()): Promise<UsageReport> {
    const period = reportPeriodOf(body, now, this.config.billingTimeZone);
    const steps = body.step ? reportStepsOf(period, body.step, this.config.billingTimeZone) : [];
    const groupBy: UsageGroupBy = body.groupBy ?? 'namespace';
    const filter = namespaceFilterFor(scope, { namespaces: body.namespaces, includeSystem: body.includeSystem });
    const basis: BillingBasis = body.basis ?? 'usage';
    if (body.includeIdle && !seesEveryNamespace(scope)) {
      throw new ForbiddenException('includeIdle: the idle capacity of the cluster needs access to every namespace');
    }
    /** What the pods of some namespaces held (in ALLOCATION_METRICS order), each request only while its container ran. */
    const held = (p: Period, ns: NamespaceFilter, admit: () => Promise<void>) =>
      // Requests are summed over pods only: no peak or coverage of a group is reported for them.
      Promise.all(
        ALLOCATION_METRICS.map(async (m) => {
          const samples = await this.measuredOrAbsent(m.metric);
          return this.podUsage.usage(samples, p, ns, await this.podUsage.stepMs(samples, p), { admit });
        }),
      );
    /** What the nodes offered and no pod of any namespace (kube-system included) held: in all, or per node. */
    const idle = async (
      p: Period,
      admit: () => Promise<void>,
      shares?: Map<string, NodeShare[]>,
    ): Promise<Pick<ReportExtras, 'idle'> & { perNode?: Map<string, IdleCapacity> }> => {
      const { source } = await this.sources.resolve(REPORT_METRICS[0].metric);
      const stepMs = await this.podUsage.stepMs(source, p);
      if (!shares) {
        const [everything, offered] = await Promise.all([held(p, {}, admit), this.nodes.offered(p, stepMs)]);
        const sum = (u: MetricUsage | undefined) => (u?.pods ?? []).reduce((acc, pod) => acc + pod.figures.integral, 0);
        const [cpu, memory, gpu] = everything;
        return { idle: idleCapacity(offered, { cpu: sum(cpu), memory: sum(memory), gpu: sum(gpu) }) };
      }
      const [everything, offered] = await Promise.all([held(p, {}, admit), this.nodes.offeredPerNode(p, stepMs)]);
      return { perNode: idlePerNode(offered, everything, shares) };
    };
    const measure = async (p: Period, admit: () => Promise<void>): Promise<Measured> => {
      // By node: which node each pod of any namespace ran on (the idle capacity counts every namespace's requests).
      const shares = groupBy === 'node' ? await this.nodes.podNodeShares(p, {}) : undefined;
      const [used, holding, maxima, free] = await Promise.all([
        Promise.all(
          REPORT_METRICS.map(async (m) => {
            const { source } = await this.sources.resolve(m.metric);
            const stepMs = await this.podUsage.stepMs(source, p);
            return this.podUsage.usage(source, p, filter, stepMs, { namespaces: groupBy === 'namespace', total: true, admit });
          }),
        ),
        held(p, filter, admit),
        // Only under `max`: what each pod is billed per sample, max(request, usage).
        Promise.all(
          (basis === 'max' ? [PER_SAMPLE_MAX_METRICS.cpu, PER_SAMPLE_MAX_METRICS.memory] : []).map(async (metric) => {
            const samples = await this.measuredOrAbsent(metric);
            return this.podUsage.usage(samples, p, filter, await this.podUsage.stepMs(samples, p), { admit });
          }),
        ),
        body.includeIdle ? idle(p, admit, shares) : undefined,
      ]);
      return {
        usages: [...used, ...holding, ...maxima],
        extras: { idle: free?.idle, ...(shares ? { nodes: { shares, idle: free?.perNode } } : {}) },
      };
    };
    // One heavy request however many steps: the whole period, then the steps, a few at a time.
    const [whole, perStep] = await this.limiter.run(scope, async (admit) => {
      const all = await measure(period, admit);
      const each: Awaited<ReturnType<typeof measure>>[] = new Array(steps.length);
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < steps.length; i = next++) each[i] = await measure(steps[i] as Period, admit);
      };
      await Promise.all(Array.from({ length: Math.min(STEPS_AT_ONCE, steps.length) }, worker));
      return [all, each] as const;
    });

    const built = buildUsageReport(period, groupBy, whole.usages, now, basis, whole.extras);
    const report = body.namespaces ? { ...built, namespaces_without_data: namespacesWithoutData(body.namespaces, whole.usages) } : built;
    if (!body.step) return report;
    return {
      ...report,
      step: body.step,
      steps: steps.map((s, i) => {
        const step = perStep[i];
        const { from, to, rows, totals } = buildUsageReport(s, groupBy, step?.usages ?? [], now, basis, step?.extras);
        return { from, to, rows, totals };
      }),
    };
  }

  /**
   * A measured metric's samples, or none when InfluxDB holds none of it now: the ledger's hours
   * still answer (retention may have dropped the raw samples, and with them the measurement).
   */
  private async measuredOrAbsent(metric: string): Promise<MetricSamples> {
    return (await this.measured.of(metric)) ?? new AbsentSamples(metric);
  }
}

/** Of the namespaces asked for, those in which no measured metric saw a pod (sorted, each once). */
export function namespacesWithoutData(asked: readonly string[], usages: readonly (MetricUsage | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const u of usages) for (const pod of u?.pods ?? []) seen.add(pod.namespace);
  return [...new Set(asked)].filter((ns) => !seen.has(ns)).sort();
}

/**
 * The period asked for: `window`, or `from` and `to` (never both), by the one period rule; a 400
 * naming the field otherwise.
 */
export function reportPeriodOf(body: Pick<UsageReportRequestDto, 'from' | 'to' | 'window'>, now: Date, timeZone: string): Period {
  const rule = { defaultSpanMs: 0, fields: { begin: 'from', end: 'to' }, maxDays: MAX_PERIOD_DAYS };
  if (body.window === undefined) {
    if (!body.from) throw new BadRequestException('from: is required (inclusive start, e.g. 2017-12-01) unless a window is given');
    if (!body.to) throw new BadRequestException('to: is required (exclusive end, e.g. 2018-01-01) unless a window is given');
    return resolvePeriod(body.from, body.to, rule);
  }
  if (body.from || body.to) throw new BadRequestException(`window: give either a window or from and to, not both`);
  let window: { fromMs: number; toMs: number };
  try {
    window = resolveWindow(body.window, now.getTime(), timeZone);
  } catch (e) {
    if (e instanceof WindowError) throw new BadRequestException(`window: ${e.message}`);
    throw e;
  }
  const from = new Date(window.fromMs);
  const to = new Date(window.toMs);
  if (!isAcceptedInstant(from) || !isAcceptedInstant(to)) throw new BadRequestException(`window: its instants must be ${INSTANT_RANGE}`);
  if (window.toMs <= window.fromMs) throw new BadRequestException(`window: "${body.window}" is empty or ends before it starts (${from.toISOString()} to ${to.toISOString()})`);
  if (window.toMs - window.fromMs > MAX_PERIOD_DAYS * 86_400_000) throw new BadRequestException(`window: the period may cover at most ${MAX_PERIOD_DAYS} days`);
  return { from, to };
}

/** The steps of a period in the billing time zone; a 400 naming `step` beyond `MAX_REPORT_STEPS`. */
export function reportStepsOf(period: Period, step: ReportStep, timeZone: string): Period[] {
  try {
    return reportSteps({ fromMs: period.from.getTime(), toMs: period.to.getTime() }, step, timeZone, MAX_REPORT_STEPS).map((s) => ({
      from: new Date(s.fromMs),
      to: new Date(s.toMs),
    }));
  } catch (e) {
    if (e instanceof WindowError) throw new BadRequestException(`step: ${step} ${e.message}`);
    throw e;
  }
}

/** Steps measured at once: enough to keep the database busy, few enough to leave it to other callers. */
const STEPS_AT_ONCE = 4;

/** What one period's reads gave: the usages in `buildUsageReport`'s order, the idle capacity when asked and the pods' nodes by node. */
interface Measured {
  usages: (MetricUsage & { spans?: UsageSpan[] })[];
  extras: ReportExtras;
}

/**
 * Per node (every node that offered capacity or held a pod, the pods of unknown node left out): its
 * allocatable less what its pods held on it (`held` in ALLOCATION_METRICS order, every namespace).
 */
export function idlePerNode(offered: ReadonlyMap<string, OfferedCapacity>, held: readonly MetricUsage[], shares: ReadonlyMap<string, NodeShare[]>): Map<string, IdleCapacity> {
  const holding = new Map<string, { cpu: number; memory: number; gpu: number }>();
  const [cpu, memory, gpu] = held;
  const add = (u: MetricUsage | undefined, key: 'cpu' | 'memory' | 'gpu') => {
    for (const p of u?.pods ?? []) {
      for (const { node, share } of shares.get(podId(p)) ?? []) {
        const h = holding.get(node) ?? { cpu: 0, memory: 0, gpu: 0 };
        h[key] += p.figures.integral * share;
        holding.set(node, h);
      }
    }
  };
  add(cpu, 'cpu');
  add(memory, 'memory');
  add(gpu, 'gpu');
  const out = new Map<string, IdleCapacity>();
  for (const node of new Set([...offered.keys(), ...holding.keys()])) {
    if (node === UNKNOWN_NODE) continue;
    out.set(node, idleCapacity(offered.get(node) ?? { cpu: 0, memory: 0 }, holding.get(node) ?? { cpu: 0, memory: 0, gpu: 0 }));
  }
  return out;
}

/** What a report adds to its pods' figures: the idle capacity, and for `groupBy: "node"` the pods' nodes and each node's idle capacity. */
export interface ReportExtras {
  idle?: IdleCapacity;
  nodes?: { shares: Map<string, NodeShare[]>; idle?: Map<string, IdleCapacity> };
}

/**
 * Assembles rows and totals from the usage of every measured metric, in `MEASURED_METRICS` order
 * (pure; unit-tested with known figures). Missing trailing usages count as metrics without data.
 */
export function buildUsageReport(
  period: Period,
  groupBy: UsageGroupBy,
  usages: readonly (MetricUsage & { spans?: UsageSpan[] })[],
  now: Date,
  basis: BillingBasis = 'usage',
  extras: ReportExtras = {},
): UsageReport {
  const periodMs = period.to.getTime() - period.from.getTime();
  const measured = usages.slice(0, MEASURED_METRICS.length);
  // Under `max`, the per-sample maxima follow the measured metrics, CPU then memory.
  const maxima = basis === 'max' ? billedMaxima(usages.slice(MEASURED_METRICS.length)) : undefined;
  const shares = extras.nodes?.shares ?? new Map<string, NodeShare[]>();
  const rows: UsageReportRow[] =
    groupBy === 'node'
      ? nodeRows(measured, periodMs, shares).map((r) =>
          withBilled(
            r,
            basis,
            maxima?.((p) => shareOn(shares, p, r.node_name ?? '')),
          ),
        )
      : (groupBy === 'pod' ? podRows(measured, periodMs) : namespaceRows(measured, periodMs)).map((r) =>
          withBilled(
            r,
            basis,
            maxima?.((p) => (p.namespace === r.namespace_name && (groupBy !== 'pod' || p.pod === r.pod_name) ? 1 : 0)),
          ),
        );
  // Idle rows go beside the pods' rows, after them; the totals stay those of the pods.
  if (groupBy === 'node') {
    for (const [node, idle] of [...(extras.nodes?.idle ?? [])].sort(([a], [b]) => compareNames(a, b))) rows.push(idleRow(idle, groupBy, node));
  } else if (extras.idle) rows.push(idleRow(extras.idle, groupBy));
  const totals = withBilled(
    figures(
      measured.map((u, i) => measureOf(i < REPORT_METRICS.length ? rollupTotal(u.pods, u.total) : rollupTotal(u.pods, undefined))),
      periodMs,
    ),
    basis,
    maxima?.(() => 1),
  );
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    groupBy,
    basis,
    step_seconds: Math.round((usages[0]?.stepMs ?? 60_000) / 1000),
    rows,
    totals,
    sources: reportSources(
      period,
      usages.filter((u) => u.spans !== undefined).map((u) => u.spans ?? []),
    ),
    generated_at: now.toISOString(),
  };
}

/**
 * The parts of the period and where they came from: `ledger` where every metric read the ledger,
 * `live` elsewhere; adjacent parts of one source joined.
 */
export function reportSources(period: Period, spansPerMetric: readonly (readonly UsageSpan[])[]): UsageSource[] {
  const fromMs = period.from.getTime();
  const toMs = period.to.getTime();
  const cuts = new Set<number>([fromMs, toMs]);
  for (const spans of spansPerMetric) for (const s of spans) cuts.add(s.fromMs).add(s.toMs);
  const points = [...cuts].filter((t) => t >= fromMs && t <= toMs).sort((a, b) => a - b);
  const out: UsageSource[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as number;
    const b = points[i + 1] as number;
    const ledger = spansPerMetric.length > 0 && spansPerMetric.every((spans) => spans.some((s) => s.source === 'ledger' && s.fromMs <= a && s.toMs >= b));
    const source = ledger ? 'ledger' : 'live';
    const last = out[out.length - 1];
    if (last && last.source === source) last.to = new Date(b).toISOString();
    else out.push({ from: new Date(a).toISOString(), to: new Date(b).toISOString(), source });
  }
  return out;
}

function podRows(usages: readonly MetricUsage[], periodMs: number): UnbilledRow[] {
  const byPod = new Map<string, { namespace: string; pod: string; measures: GroupMeasure[] }>();
  usages.forEach((u, i) => {
    for (const p of u.pods) {
      const id = podId(p);
      let entry = byPod.get(id);
      if (!entry) {
        entry = { namespace: p.namespace, pod: p.pod, measures: usages.map(emptyMeasure) };
        byPod.set(id, entry);
      }
      entry.measures[i] = measureOf(p.figures);
    }
  });
  return [...byPod.values()].sort(comparePods).map((e) => ({ namespace_name: e.namespace, pod_name: e.pod, ...figures(e.measures, periodMs) }));
}

/** Per namespace, each metric's rollup (its pods summed, coverage and peak from its total); pods counted in any metric. */
function namespaceRows(usages: readonly MetricUsage[], periodMs: number): UnbilledRow[] {
  const byNs = new Map<string, { measures: GroupMeasure[]; pods: Set<string> }>();
  const entryOf = (namespace: string) => {
    let entry = byNs.get(namespace);
    if (!entry) {
      entry = { measures: usages.map(emptyMeasure), pods: new Set() };
      byNs.set(namespace, entry);
    }
    return entry;
  };
  usages.forEach((u, i) => {
    for (const ns of rollupNamespaces(u.pods, u.namespaces)) entryOf(ns.namespace).measures[i] = measureOf(ns.figures);
    // Pods are counted by what they used; one that only held a request still gets its row's figures.
    for (const p of u.pods) if (i < REPORT_METRICS.length) entryOf(p.namespace).pods.add(p.pod);
  });
  return [...byNs.entries()].sort(([a], [b]) => compareNames(a, b)).map(([namespace, e]) => ({ namespace_name: namespace, pods: e.pods.size, ...figures(e.measures, periodMs) }));
}

/** The node of pods whose node the store does not tell. */
const UNKNOWN_NODE = '';

/** The part of a pod's figures on a node (a pod without known nodes is all on `UNKNOWN_NODE`). */
function shareOn(shares: ReadonlyMap<string, NodeShare[]>, pod: PodKey, node: string): number {
  const own = shares.get(podId(pod));
  if (!own || own.length === 0) return node === UNKNOWN_NODE ? 1 : 0;
  return own.find((s) => s.node === node)?.share ?? 0;
}

/**
 * Per node, its pods' figures while on it: integrals split by each pod's share of samples on the
 * node; a node's coverage and peak are the largest of its pods' (a lower bound of the node's own:
 * the sum per step of pods on one node is not read).
 */
function nodeRows(usages: readonly MetricUsage[], periodMs: number, shares: ReadonlyMap<string, NodeShare[]>): UnbilledRow[] {
  const byNode = new Map<string, { measures: GroupMeasure[]; pods: Set<string> }>();
  usages.forEach((u, i) => {
    for (const p of u.pods) {
      const own = shares.get(podId(p));
      for (const { node, share } of own && own.length > 0 ? own : [{ node: UNKNOWN_NODE, share: 1 }]) {
        let entry = byNode.get(node);
        if (!entry) {
          entry = { measures: usages.map(emptyMeasure), pods: new Set() };
          byNode.set(node, entry);
        }
        const m = entry.measures[i] as GroupMeasure;
        m.integral += p.figures.integral * share;
        m.coveredMs = Math.max(m.coveredMs, p.figures.coveredMs * share);
        m.peak = Math.max(m.peak, p.figures.max);
        if (i < REPORT_METRICS.length) entry.pods.add(podId(p));
      }
    }
  });
  return [...byNode.entries()].sort(([a], [b]) => compareNames(a, b)).map(([node, e]) => ({ node_name: node, pods: e.pods.size, ...figures(e.measures, periodMs) }));
}

/**
 * The figures of one group from its measures (in `MEASURED_METRICS` order). Coverage is that of
 * usage: a request is a declaration, not an observation of the pod running.
 */
function figures(measures: readonly GroupMeasure[], periodMs: number): UnbilledFigures {
  const out = {} as UnbilledFigures;
  let coveredMs = 0;
  REPORT_METRICS.forEach((m: ReportMetric, i) => {
    const g = measures[i] ?? emptyMeasure();
    out[m.hours] = roundFigure(g.integral / m.perUnit / 3600);
    out[m.average] = roundFigure(g.coveredMs > 0 ? g.integral / (g.coveredMs / 1000) / m.perUnit : 0);
    out[m.peak] = roundFigure(Number.isFinite(g.peak) ? g.peak / m.perUnit : 0);
    coveredMs = Math.max(coveredMs, g.coveredMs);
  });
  out.coverage = roundFigure(periodMs > 0 ? Math.min(1, coveredMs / periodMs) : 0);
  ALLOCATION_METRICS.forEach((m, i) => {
    const g = measures[REPORT_METRICS.length + i] ?? emptyMeasure();
    const used = ('used' in m ? measures[REPORT_METRICS.findIndex((r) => r.hours === m.used)] : undefined) ?? emptyMeasure();
    out[m.hours] = roundFigure(g.integral / m.perUnit / 3600);
    // From the unrounded integrals (same unit), so a tiny request does not give a ratio of rounded figures.
    if ('efficiency' in m) out[m.efficiency] = g.integral > 0 ? roundFigure(used.integral / g.integral) : null;
  });
  return out;
}

/** What each basis bills, per resource: the figure the `billed_*` one repeats. GPUs bill devices held under every basis. */
const BILLED_FIGURES: Record<Exclude<BillingBasis, 'max'>, { cpu: keyof UnbilledFigures; memory: keyof UnbilledFigures }> = {
  usage: { cpu: 'cpu_core_hours', memory: 'memory_gib_hours' },
  request: { cpu: 'cpu_request_core_hours', memory: 'memory_request_gib_hours' },
};

/**
 * The `__idle__` row: allocatable − requested core-hours and GiB-hours over every node, never
 * negative, requests beyond it as overcommit; billed as the hours themselves (idle is nobody's usage,
 * a finance office may still price it).
 */
function idleRow(idle: IdleCapacity, groupBy: UsageGroupBy, node?: string): UsageReportRow {
  const cpu = roundFigure(idle.idle.cpu / 1000 / 3600);
  const memory = roundFigure(idle.idle.memory / BYTES_PER_GIB / 3600);
  const gpu = roundFigure((idle.idle.gpu ?? 0) / 3600);
  return {
    namespace_name: IDLE_ROW,
    ...(node !== undefined ? { node_name: node } : {}),
    ...(groupBy === 'pod' ? { pod_name: '' } : { pods: 0 }),
    cpu_core_hours: cpu,
    cpu_cores_average: 0,
    cpu_cores_peak: 0,
    memory_gib_hours: memory,
    memory_gib_average: 0,
    memory_gib_peak: 0,
    gpu_memory_gb_hours: 0,
    gpu_memory_gb_average: 0,
    gpu_memory_gb_peak: 0,
    coverage: 0,
    cpu_request_core_hours: 0,
    memory_request_gib_hours: 0,
    cpu_efficiency: null,
    memory_efficiency: null,
    gpu_hours: gpu,
    billed_cpu_core_hours: cpu,
    billed_memory_gib_hours: memory,
    billed_gpu_hours: gpu,
    overcommit_cpu_core_hours: roundFigure(idle.overcommit.cpu / 1000 / 3600),
    overcommit_memory_gib_hours: roundFigure(idle.overcommit.memory / BYTES_PER_GIB / 3600),
    ...(idle.overcommit.gpu !== undefined ? { overcommit_gpu_hours: roundFigure(idle.overcommit.gpu / 3600) } : {}),
  };
}

/** Core-hours and GiB-hours billed under `max`, of one group. */
interface BilledMaxima {
  cpu: number;
  memory: number;
}

/** A group's figures with what its basis bills (under `max`, the group's per-sample maxima). */
function withBilled<T extends UnbilledFigures>(f: T, basis: BillingBasis, maxima: BilledMaxima | undefined): T & UsageFigures {
  const gpu = f.gpu_hours;
  if (basis === 'max')
    return { ...f, billed_cpu_core_hours: maxima?.cpu ?? f.cpu_core_hours, billed_memory_gib_hours: maxima?.memory ?? f.memory_gib_hours, billed_gpu_hours: gpu };
  const billed = BILLED_FIGURES[basis];
  return { ...f, billed_cpu_core_hours: f[billed.cpu] as number, billed_memory_gib_hours: f[billed.memory] as number, billed_gpu_hours: gpu };
}

/**
 * The per-sample maxima of a group in core-hours and GiB-hours: each pod's weighted by the part of
 * it in the group (1 or 0 for a pod or namespace, its share of samples for a node).
 */
function billedMaxima(usages: readonly MetricUsage[]): (weight: (pod: PodKey) => number) => BilledMaxima {
  const [cpu, memory] = usages;
  const sum = (u: MetricUsage | undefined, weight: (pod: PodKey) => number) => (u?.pods ?? []).reduce((acc, p) => acc + p.figures.integral * weight(p), 0);
  return (weight) => ({
    cpu: roundFigure(sum(cpu, weight) / 1000 / 3600),
    memory: roundFigure(sum(memory, weight) / BYTES_PER_GIB / 3600),
  });
}

function measureOf(f: SeriesFigures): GroupMeasure {
  return { integral: f.integral, coveredMs: f.coveredMs, peak: f.max };
}

function emptyMeasure(): GroupMeasure {
  return { integral: 0, coveredMs: 0, peak: -Infinity };
}
