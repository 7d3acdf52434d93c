/**
 * Compares the API's figures with the simulator's exact ground truth. A figure passes when it is within
 * 0.5 % of the truth, plus half a unit in the sixth decimal (the API prints six decimals).
 */
import type { UsageFigures, UsageReportRow } from '@kube-monitoring/contract';
import type { GroundTruth, NamespaceTruth, PodTruth } from '@kube-monitoring/simulator';

export const RELATIVE_TOLERANCE = 0.005;
export const ROUNDING_SLACK = 5e-7;

/** Figures checked against the truth, in the API's units. */
export const CHECKED_FIGURES = [
  'cpu_core_hours',
  'memory_gib_hours',
  'gpu_memory_gb_hours',
  'cpu_cores_peak',
  'memory_gib_peak',
  'gpu_memory_gb_peak',
] as const satisfies readonly (keyof UsageFigures)[];

/** What pods hold, checked against the truth the same way (requests while they ran, GPU devices). */
export const ALLOCATION_FIGURES = ['cpu_request_core_hours', 'memory_request_gib_hours', 'gpu_hours'] as const satisfies readonly (keyof UsageFigures)[];

export type CheckedFigure = (typeof CHECKED_FIGURES)[number] | (typeof ALLOCATION_FIGURES)[number];

/** The truth of a pod or namespace in the API's units. */
export function truthFigures(t: PodTruth | NamespaceTruth): Record<CheckedFigure, number> {
  return {
    cpu_core_hours: t.cpuCoreHours,
    memory_gib_hours: t.memoryGibHours,
    gpu_memory_gb_hours: t.gpuMemoryGbHours,
    cpu_cores_peak: t.peakCpuMillicores / 1000,
    memory_gib_peak: t.peakMemoryBytes / 2 ** 30,
    gpu_memory_gb_peak: t.peakGpuMegabytes / 1000,
    cpu_request_core_hours: t.cpuRequestCoreHours,
    memory_request_gib_hours: t.memoryRequestGibHours,
    gpu_hours: t.gpuHours,
  };
}

export interface Mismatch {
  group: string;
  figure: string;
  ours: number;
  truth: number;
  relative: number;
}

export function relativeError(ours: number, truth: number): number {
  if (ours === truth) return 0;
  return truth === 0 ? Number.POSITIVE_INFINITY : Math.abs(ours - truth) / Math.abs(truth);
}

/** Within 0.5 % of the truth (plus rounding, plus `allowance`: usage the database never received). */
export function withinTolerance(ours: number, truth: number, allowance = 0): boolean {
  return Math.abs(ours - truth) <= RELATIVE_TOLERANCE * Math.abs(truth) + ROUNDING_SLACK + allowance;
}

export interface Comparison {
  /** Largest relative error per figure over the groups (0 when all exact). */
  maxError: Record<string, number>;
  /** The same over the groups that lost no usage at their edges (see lost-edges.ts). */
  maxErrorComplete: Record<string, number>;
  /** Groups with usage the database never received (first or last scrape of a life lost). */
  withLostEdges: string[];
  /** Figures outside the tolerance. */
  mismatches: Mismatch[];
  /** Groups the truth has and the report lacks, or the other way round. */
  missing: string[];
  extra: string[];
  groups: number;
}

export function compareRows(
  rows: readonly UsageReportRow[],
  truths: readonly (PodTruth | NamespaceTruth)[],
  keyOfRow: (r: UsageReportRow) => string,
  keyOfTruth: (t: PodTruth | NamespaceTruth) => string,
  lost: ReadonlyMap<string, Partial<Record<CheckedFigure, number>>> = new Map(),
  figures: readonly CheckedFigure[] = CHECKED_FIGURES,
): Comparison {
  const ours = new Map(rows.map((r) => [keyOfRow(r), r]));
  const truth = new Map(truths.map((t) => [keyOfTruth(t), t]));
  const maxError: Record<string, number> = Object.fromEntries(figures.map((f) => [f, 0]));
  const maxErrorComplete: Record<string, number> = { ...maxError };
  const mismatches: Mismatch[] = [];
  for (const [key, t] of truth) {
    const row = ours.get(key);
    if (!row) continue;
    const expected = truthFigures(t);
    const lostHere = lost.get(key);
    for (const f of figures) {
      const rel = relativeError(row[f], expected[f]);
      // Errors below the printed precision are rounding, not accounting.
      const counted = Math.abs(row[f] - expected[f]) <= ROUNDING_SLACK ? 0 : rel;
      maxError[f] = Math.max(maxError[f] ?? 0, counted);
      if (!lostHere) maxErrorComplete[f] = Math.max(maxErrorComplete[f] ?? 0, counted);
      if (!withinTolerance(row[f], expected[f], lostHere?.[f] ?? 0)) mismatches.push({ group: key, figure: f, ours: row[f], truth: expected[f], relative: rel });
    }
  }
  return {
    maxError,
    maxErrorComplete,
    withLostEdges: [...truth.keys()].filter((k) => lost.has(k)),
    mismatches,
    missing: [...truth.keys()].filter((k) => !ours.has(k)),
    extra: [...ours.keys()].filter((k) => !truth.has(k)),
    groups: truth.size,
  };
}

export const podKeyOfRow = (r: UsageReportRow) => `${r.namespace_name}/${r.pod_name ?? ''}`;
export const podKeyOfTruth = (t: PodTruth | NamespaceTruth) => `${t.namespace_name}/${'pod_name' in t ? t.pod_name : ''}`;
export const nsKeyOfRow = (r: UsageReportRow) => r.namespace_name ?? '';
export const nsKeyOfTruth = (t: PodTruth | NamespaceTruth) => t.namespace_name;

export type { GroundTruth };
