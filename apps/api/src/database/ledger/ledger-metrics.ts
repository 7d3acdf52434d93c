/**
 * The metrics the ledger rolls: catalog name, and the key naming their columns (`cpu_integral`, …)
 * and their namespace-hour rows. The migration that created the columns writes them out itself (it
 * is frozen); adding a metric here takes a migration adding its six columns to `ledger_pod_hours`.
 */
export const LEDGER_METRICS = [
  { key: 'cpu', metric: 'cpu/usage_rate' },
  { key: 'memory', metric: 'memory/usage' },
  { key: 'gpu', metric: 'gpu/usage' },
] as const;

export type LedgerMetricKey = (typeof LEDGER_METRICS)[number]['key'];

/** The column key of a ledger metric, or undefined when the ledger does not roll it. */
export function ledgerMetricKey(metric: string): LedgerMetricKey | undefined {
  return LEDGER_METRICS.find((m) => m.metric === metric)?.key;
}
