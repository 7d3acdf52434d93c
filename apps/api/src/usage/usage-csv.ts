import { CsvCell, spreadsheetCsv } from '@kube-monitoring/billing';
import { UsageFigures, UsageReport, UsageReportRow } from '@kube-monitoring/contract';

/** Figure columns in order, each named with its unit. */
export const USAGE_CSV_FIGURES: readonly { column: string; figure: keyof UsageFigures | 'overcommit_cpu_core_hours' | 'overcommit_memory_gib_hours' | 'overcommit_gpu_hours' }[] = [
  { column: 'cpu_core_hours', figure: 'cpu_core_hours' },
  { column: 'cpu_cores_average', figure: 'cpu_cores_average' },
  { column: 'cpu_cores_peak', figure: 'cpu_cores_peak' },
  { column: 'memory_gib_hours', figure: 'memory_gib_hours' },
  { column: 'memory_gib_average', figure: 'memory_gib_average' },
  { column: 'memory_gib_peak', figure: 'memory_gib_peak' },
  { column: 'gpu_memory_gb_hours', figure: 'gpu_memory_gb_hours' },
  { column: 'gpu_memory_gb_average', figure: 'gpu_memory_gb_average' },
  { column: 'gpu_memory_gb_peak', figure: 'gpu_memory_gb_peak' },
  { column: 'coverage_fraction', figure: 'coverage' },
  { column: 'cpu_request_core_hours', figure: 'cpu_request_core_hours' },
  { column: 'memory_request_gib_hours', figure: 'memory_request_gib_hours' },
  { column: 'cpu_efficiency', figure: 'cpu_efficiency' },
  { column: 'memory_efficiency', figure: 'memory_efficiency' },
  { column: 'gpu_hours', figure: 'gpu_hours' },
  { column: 'billed_cpu_core_hours', figure: 'billed_cpu_core_hours' },
  { column: 'billed_memory_gib_hours', figure: 'billed_memory_gib_hours' },
  { column: 'billed_gpu_hours', figure: 'billed_gpu_hours' },
  // The `__idle__` row's (empty on the others).
  { column: 'overcommit_cpu_core_hours', figure: 'overcommit_cpu_core_hours' },
  { column: 'overcommit_memory_gib_hours', figure: 'overcommit_memory_gib_hours' },
  { column: 'overcommit_gpu_hours', figure: 'overcommit_gpu_hours' },
];

/**
 * The report as RFC 4180 CSV: a header row, then one row per group, per step when asked with `step` (no totals row, so a column sum in
 * a spreadsheet or a finance import never counts anything twice). CRLF line ends, fields quoted when
 * they hold a comma, a quote or a line break; plain decimals, never exponents; a name that starts
 * like a formula is written as text.
 */
export function usageReportCsv(report: UsageReport): string {
  const byPod = report.groupBy === 'pod';
  const byNode = report.groupBy === 'node';
  // By node: the node first; the namespace column says `__idle__` on a node's idle row.
  const group = byNode ? ['node', 'namespace', 'pods'] : ['namespace', byPod ? 'pod' : 'pods'];
  const header = ['period_from_utc', 'period_to_utc', ...group, ...USAGE_CSV_FIGURES.map((c) => c.column)];
  // With steps, one row per step and group (the step's dates first); the whole period's rows would count everything twice.
  const parts = report.steps ?? [report];
  const rows = parts.flatMap((part) =>
    part.rows.map((row: UsageReportRow): CsvCell[] => [
      part.from,
      part.to,
      ...(byNode ? [row.node_name ?? '', row.namespace_name ?? '', row.pods ?? 0] : [row.namespace_name ?? '', byPod ? (row.pod_name ?? '') : (row.pods ?? 0)]),
      // A figure that does not apply (an efficiency without a request) is an empty cell.
      ...USAGE_CSV_FIGURES.map((c) => row[c.figure] ?? ''),
    ]),
  );
  return spreadsheetCsv([header, ...rows]);
}

/** File name for `Content-Disposition`: `usage-by-namespace-2017-12-01T00-00-00Z-2018-01-01T00-00-00Z.csv`. */
export function usageCsvFileName(report: UsageReport): string {
  const stamp = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  return `usage-by-${report.groupBy}-${stamp(report.from)}-${stamp(report.to)}.csv`;
}
