import { Injectable } from '@nestjs/common';

import { compareNames, comparePods, MetricUsage, podId, rollupNamespaces, rollupTotal, roundFigure, SeriesFigures, UsageSpan } from '@kube-monitoring/accounting';
import { BYTES_PER_GIB, MAX_PERIOD_DAYS, UsageFigures, UsageGroupBy, UsageReport, UsageReportRow, UsageSource } from '@kube-monitoring/contract';

import { AccessScope } from '../access/access-scope';
import { namespaceFilterFor } from '../access/namespace-policy';
import { PodUsageService } from '../aggregation/pod-usage.service';
import { Period, resolvePeriod } from '../common/period';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { HeavyRequestLimiter } from '../limits/heavy-request-limiter';
import { UsageReportRequestDto } from './usage.dto';

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
    private readonly podUsage: PodUsageService,
    private readonly limiter: HeavyRequestLimiter,
  ) {}

  async report(body: UsageReportRequestDto, scope: AccessScope, now: Date = new Date()): Promise<UsageReport> {
    const period = resolvePeriod(body.from, body.to, { defaultSpanMs: 0, fields: { begin: 'from', end: 'to' }, maxDays: MAX_PERIOD_DAYS });
    const groupBy: UsageGroupBy = body.groupBy ?? 'namespace';
    const filter = namespaceFilterFor(scope, { namespaces: body.namespaces, includeSystem: body.includeSystem });
    const usages = await this.limiter.run(scope, (admit) =>
      Promise.all(
        REPORT_METRICS.map(async (m) => {
          const { source } = await this.sources.resolve(m.metric);
          const stepMs = await this.podUsage.stepMs(source, period);
          return this.podUsage.usage(source, period, filter, stepMs, { namespaces: groupBy === 'namespace', total: true, admit });
        }),
      ),
    );
    return buildUsageReport(period, groupBy, usages, now);
  }
}

/** Assembles rows and totals from the three metrics' usage (pure; unit-tested with known figures). */
export function buildUsageReport(period: Period, groupBy: UsageGroupBy, usages: readonly (MetricUsage & { spans?: UsageSpan[] })[], now: Date): UsageReport {
  const periodMs = period.to.getTime() - period.from.getTime();
  const rows = groupBy === 'pod' ? podRows(usages, periodMs) : namespaceRows(usages, periodMs);
  const totals = figures(
    usages.map((u) => measureOf(rollupTotal(u.pods, u.total))),
    periodMs,
  );
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    groupBy,
    step_seconds: Math.round((usages[0]?.stepMs ?? 60_000) / 1000),
    rows,
    totals,
    sources: reportSources(
      period,
      usages.map((u) => u.spans ?? []),
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

function podRows(usages: readonly MetricUsage[], periodMs: number): UsageReportRow[] {
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
function namespaceRows(usages: readonly MetricUsage[], periodMs: number): UsageReportRow[] {
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
    for (const p of u.pods) entryOf(p.namespace).pods.add(p.pod);
  });
  return [...byNs.entries()].sort(([a], [b]) => compareNames(a, b)).map(([namespace, e]) => ({ namespace_name: namespace, pods: e.pods.size, ...figures(e.measures, periodMs) }));
}

/** The billed figures of one group from its three measures (cpu, memory, gpu in REPORT_METRICS order). */
function figures(measures: readonly GroupMeasure[], periodMs: number): UsageFigures {
  const out = {} as UsageFigures;
  let coveredMs = 0;
  REPORT_METRICS.forEach((m: ReportMetric, i) => {
    const g = measures[i] ?? emptyMeasure();
    out[m.hours] = roundFigure(g.integral / m.perUnit / 3600);
    out[m.average] = roundFigure(g.coveredMs > 0 ? g.integral / (g.coveredMs / 1000) / m.perUnit : 0);
    out[m.peak] = roundFigure(Number.isFinite(g.peak) ? g.peak / m.perUnit : 0);
    coveredMs = Math.max(coveredMs, g.coveredMs);
  });
  out.coverage = roundFigure(periodMs > 0 ? Math.min(1, coveredMs / periodMs) : 0);
  return out;
}

function measureOf(f: SeriesFigures): GroupMeasure {
  return { integral: f.integral, coveredMs: f.coveredMs, peak: f.max };
}

function emptyMeasure(): GroupMeasure {
  return { integral: 0, coveredMs: 0, peak: -Infinity };
}
