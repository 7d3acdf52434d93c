/**
 * The metrics the ledger rolls: catalog name, and the key naming their columns (`cpu_integral`, …)
 * and their namespace-hour rows. The migration that created the columns writes them out itself (it
 * is frozen); adding a metric here takes a migration adding its six columns to `ledger_pod_hours`
 * and `ledger_pod_days`.
 *
 * Requests and GPU devices are rolled as held: each only while its container ran (from its uptime).
 *
 * `since`: the allocation version (`ledger_hours.allocation`) an hour must have been rolled with
 * to hold the metric; hours rolled before it answer that metric live. `podsOnly`: rolled per pod
 * only — reports sum them over pods and ask no group coverage or peak of them.
 */
export const LEDGER_METRICS = [
  { key: 'cpu', metric: 'cpu/usage_rate', since: 0, podsOnly: false },
  { key: 'memory', metric: 'memory/usage', since: 0, podsOnly: false },
  { key: 'gpu', metric: 'gpu/usage', since: 0, podsOnly: false },
  { key: 'cpu_request', metric: 'cpu/request', since: 1, podsOnly: true },
  { key: 'memory_request', metric: 'memory/request', since: 1, podsOnly: true },
  // GPU devices held, joined from the GPU resource requests (the accounting's GPU_DEVICES_METRIC).
  { key: 'gpu_devices', metric: 'gpu/devices', since: 1, podsOnly: true },
  // What the `max` basis bills: max(request, usage) per sample (the accounting's PER_SAMPLE_MAX_METRICS).
  { key: 'cpu_max', metric: 'cpu/billed_max', since: 1, podsOnly: true },
  { key: 'memory_max', metric: 'memory/billed_max', since: 1, podsOnly: true },
] as const;

export type LedgerMetricKey = (typeof LEDGER_METRICS)[number]['key'];

/**
 * The allocation version hours are rolled with now (see `since`): 2 adds the pods' nodes
 * (`ledger_pod_nodes`), 3 the pods' labels (`ledger_pod_labels`).
 */
export const ALLOCATION_VERSION = 3;

/** The allocation version from which an hour holds its pods' nodes. */
export const POD_NODES_SINCE = 2;

/** The allocation version from which an hour holds its pods' labels. */
export const POD_LABELS_SINCE = 3;

/** The column key of a ledger metric, or undefined when the ledger does not roll it. */
export function ledgerMetricKey(metric: string): LedgerMetricKey | undefined {
  return LEDGER_METRICS.find((m) => m.metric === metric)?.key;
}

/** The ledger's entry of a metric, or undefined when it does not roll it. */
export function ledgerMetric(metric: string): (typeof LEDGER_METRICS)[number] | undefined {
  return LEDGER_METRICS.find((m) => m.metric === metric);
}
