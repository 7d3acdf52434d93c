/**
 * Adversarial datasets for the accuracy suite and the comparison script: each one a seeded simulated
 * cluster, a span of data written to InfluxDB, and a report period inside it.
 */
import type { StorageSchema } from '@kube-monitoring/influx';
import type { HeapsterWriterOptions, SimulationOptions } from '@kube-monitoring/simulator';

export interface Scenario {
  name: string;
  /** What the scenario throws at the accounting. */
  description: string;
  simulation: SimulationOptions;
  /** Data written for [dataFrom, dataTo). */
  dataFrom: string;
  dataTo: string;
  /** The report period [from, to). */
  from: string;
  to: string;
  writer?: HeapsterWriterOptions;
  /**
   * Storage schemas the scenario is written in, each checked against the same truth. Default: both.
   * Mixed pod and container series and Heapster's accelerator bytes are Heapster shapes only
   * (Telegraf has container series only, every pod counted from them, and dcgm-exporter's MiB).
   */
  schemas?: readonly StorageSchema[];
}

/** The schemas a scenario is checked in. */
export function schemasOf(scenario: Scenario): readonly StorageSchema[] {
  return scenario.schemas ?? ['heapster', 'telegraf'];
}

/** Metrics the accounting reads: the three billed gauges and the CPU counter. */
export const ACCOUNTED_METRICS = ['cpu/usage_rate', 'memory/usage', 'gpu/usage', 'cpu/usage'] as const;

/** What pods hold, written beside: requests, and the uptime that bounds them to each life (Heapster). */
export const ALLOCATION_METRICS = ['cpu/request', 'memory/request', 'uptime'] as const;

/** What nodes offer (Heapster's node level): idle capacity is what they offered and no pod requested. */
export const NODE_METRICS = ['cpu/node_allocatable', 'memory/node_allocatable'] as const;

/** A Wednesday: a day-long period sees the daytime peak. */
const DAY0 = '2024-03-20';
const DAY1 = '2024-03-21';
const DAY2 = '2024-03-22';
/** Data starts hours before every period, as on a cluster monitored for long. */
const DATA_FROM = '2024-03-19T18:00:00Z';

/** Data from the evening before to two days later; the report period one whole day inside it. */
const ONE_DAY = {
  dataFrom: DATA_FROM,
  dataTo: `${DAY2}T00:00:00Z`,
  from: `${DAY0}T00:00:00Z`,
  to: `${DAY1}T00:00:00Z`,
} as const;

/** Busier than the demo: more jobs, GPU jobs and restarts, so every edge case occurs many times. */
const CHURN = { batchJobsPerDay: 60, gpuJobsPerDay: 16, notebookUsers: 8, restartsPerPodPerDay: 1.5 } as const;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'clean',
    description: 'on-grid samples, nothing lost: the baseline',
    simulation: { seed: 101, profile: 'demo' },
    ...ONE_DAY,
  },
  {
    name: 'jitter',
    description: 'scrape times ±5 s off the grid',
    simulation: { seed: 102, profile: 'demo', adversarial: { jitterSeconds: 5 } },
    ...ONE_DAY,
  },
  {
    name: 'missing',
    description: '2 % of pod scrapes lost at random',
    simulation: { seed: 103, profile: 'demo', adversarial: { missingFraction: 0.02 } },
    ...ONE_DAY,
  },
  {
    name: 'late',
    description: '5 % of scrapes written 30 steps late, out of order',
    simulation: { seed: 104, profile: 'demo', adversarial: { lateFraction: 0.05 } },
    ...ONE_DAY,
  },
  {
    name: 'churn',
    description: 'pods starting, stopping and restarting under the same name, GPU jobs; period edges off the grid, cutting lives',
    simulation: { seed: 105, profile: CHURN },
    ...ONE_DAY,
    from: `${DAY0}T05:17:23Z`,
    to: `${DAY1}T07:41:07Z`,
  },
  {
    name: 'container-only',
    description: '30 % of pods have container series only, the rest pod and container series together',
    schemas: ['heapster'],
    simulation: { seed: 106, profile: CHURN, adversarial: { containerOnlyFraction: 0.3 } },
    ...ONE_DAY,
  },
  {
    name: 'accelerator',
    description: "GPU memory only as Heapster's accelerator/memory_used (bytes, one series per device)",
    simulation: { seed: 107, profile: CHURN },
    ...ONE_DAY,
    writer: { metrics: ['cpu/usage_rate', 'memory/usage', 'cpu/usage', 'accelerator/memory_used'], acceleratorMetrics: true },
    schemas: ['heapster'],
  },
  {
    name: 'everything',
    description: 'jitter, 2 % lost, 5 % late, 30 % container-only, churn and restarts, period edges off the grid',
    simulation: {
      seed: 108,
      profile: CHURN,
      adversarial: { jitterSeconds: 4, missingFraction: 0.02, lateFraction: 0.05, containerOnlyFraction: 0.3 },
    },
    ...ONE_DAY,
    from: `${DAY0}T03:11:41Z`,
    to: `${DAY1}T21:05:13Z`,
  },
];

/**
 * The churn cluster over 16 hours, the period's edges inside hours: for suites that roll the whole
 * data several times (the usage ledger's outage and replica suites), at ~1 s an hour.
 */
export const SHORT_CHURN: Scenario = {
  name: 'short-churn',
  description: 'the churn cluster over 16 hours; period edges off the grid',
  simulation: { seed: 105, profile: CHURN },
  dataFrom: '2024-03-19T22:00:00Z',
  dataTo: '2024-03-20T14:00:00Z',
  from: '2024-03-19T23:17:23Z',
  to: '2024-03-20T12:41:07Z',
};
