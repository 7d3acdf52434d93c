/**
 * Types of the HTTP contract shared by the API and the dashboard.
 * Field names follow the original system (`namespace_name`, `pod_name`, …) whatever the storage schema.
 */

import type { ReportStep } from './rules/time-rules';

/** Every error answer, whatever the status: `{"code": <http status>, "message": "..."}`. */
export interface ApiError {
  code: number;
  message: string;
}

/** The seed's answer for a query with no data. */
export interface EmptySetResponse {
  code: 200;
  message: 'Query returns empty set';
}

export const AGGREGATIONS = ['pod-by-namespace', 'all-namespace', 'all-pod'] as const;
export type AggregationKind = (typeof AGGREGATIONS)[number];

/** Body of `POST /api/{metric}`; every field optional (the seed's fields and defaults). */
export interface MetricQueryBody {
  namespace?: string;
  limit?: number | string;
  agg?: string;
  timeBeginInterval?: string;
  timeEndInterval?: string;
}

/** One raw sample, newest first: `time`, `value` and every tag of its series. */
export interface RawPoint {
  time: string;
  value: number;
  [tag: string]: string | number | null;
}

/** One aggregation row (`agg` on `POST /api/{metric}`). */
export interface AggregationRow {
  namespace_name: string;
  pod_name?: string;
  /** The seed's figure: plain sum of the samples (kept for compatibility; not a usage figure). */
  sum: number;
  /** Time integral of a gauge in unit·hours, or the increase of a counter in its unit (docs/accounting.md §4). */
  usage: number;
  /** Unit of `usage`, e.g. `millicore-hours`, `byte-hours`, `nanoseconds`. */
  usage_unit: string;
  /** Time-weighted mean of the value over the time with data, in `unit`. */
  average: number;
  /** Peak sample value, in `unit`. */
  max: number;
  /** Number of samples read (each pod counted once). */
  samples: number;
  /** Unit of `average`, `max` and of the samples. */
  unit: string;
}

export type MetricQueryResponse = RawPoint[] | AggregationRow[] | EmptySetResponse;

/** How report rows are grouped: per namespace, per pod, or per node (each pod's figures on the node it ran on). */
export const USAGE_GROUP_BYS = ['namespace', 'pod', 'node'] as const;
export type UsageGroupBy = (typeof USAGE_GROUP_BYS)[number];

/**
 * What a report bills: `usage`, what the pods used (the seed's meaning, the default), `request`,
 * what they held, or `max`, the larger of the two at each sample (OpenCost's rule). GPUs are billed
 * by the devices held under every basis (GPU memory stays its own figure).
 */
export const BILLING_BASES = ['usage', 'request', 'max'] as const;
export type BillingBasis = (typeof BILLING_BASES)[number];

/** Body of `POST /api/usage`. */
export interface UsageReportRequest {
  /** Inclusive start, ISO-8601 date or date-time (UTC when no offset); required unless `window` is given. */
  from?: string;
  /** Exclusive end; required unless `window` is given. */
  to?: string;
  /** The period by name: `today`, `yesterday`, `week`, `lastweek`, `month`, `lastmonth`, `<n>h`, `<n>d` or `<from>,<to>`. */
  window?: string;
  /** One set of rows per step of the billing time zone. */
  step?: ReportStep;
  groupBy?: UsageGroupBy;
  /** Limit the report to these namespaces. */
  namespaces?: string[];
  /** Include `kube-system` (excluded by default). */
  includeSystem?: boolean;
  /** What the `billed_*` figures count (default `usage`). */
  basis?: BillingBasis;
  /** Add the row `__idle__`: what the nodes offered and no pod requested (cluster-wide callers only). */
  includeIdle?: boolean;
}

/** The namespace name of the idle-capacity row. */
export const IDLE_ROW = '__idle__';

export interface UsageFigures {
  cpu_core_hours: number;
  cpu_cores_average: number;
  cpu_cores_peak: number;
  memory_gib_hours: number;
  memory_gib_average: number;
  memory_gib_peak: number;
  gpu_memory_gb_hours: number;
  gpu_memory_gb_average: number;
  gpu_memory_gb_peak: number;
  /** Fraction (0..1) of the period for which the group had samples. */
  coverage: number;
  /** ∫ CPU request dt while the pods ran, in core-hours (0 for pods without a request). */
  cpu_request_core_hours: number;
  /** ∫ memory request dt while the pods ran, in GiB-hours. */
  memory_request_gib_hours: number;
  /** CPU used ÷ CPU requested (`cpu_core_hours / cpu_request_core_hours`); null without a request. */
  cpu_efficiency: number | null;
  /** Memory used ÷ memory requested; null without a request. */
  memory_efficiency: number | null;
  /**
   * GPU devices held × hours while the pods ran: a whole GPU counts 1, a MIG `<g>g` slice g/7, a
   * HAMi share its fraction (4 pods at 25 % of one GPU for 1 h = 1 GPU-hour).
   */
  gpu_hours: number;
  /** What is billed under the report's basis: `cpu_core_hours` (usage), `cpu_request_core_hours` (request), or max(request, usage) per sample (max). */
  billed_cpu_core_hours: number;
  /** `memory_gib_hours` (usage), `memory_request_gib_hours` (request), or max(request, usage) per sample (max). */
  billed_memory_gib_hours: number;
  /** `gpu_hours` under every basis: a GPU is billed by the devices held. */
  billed_gpu_hours: number;
}

export interface UsageReportRow extends UsageFigures {
  /** The namespace; `__idle__` on idle rows; absent on node rows (`groupBy: "node"`). */
  namespace_name?: string;
  pod_name?: string;
  /** `groupBy: "node"`: the node its pods ran on (empty for pods whose node the store does not tell), or whose idle capacity the row gives. */
  node_name?: string;
  /** Namespace and node rows: number of pods counted. */
  pods?: number;
  /** The `__idle__` row: requests beyond what the nodes offered, in core-hours. */
  overcommit_cpu_core_hours?: number;
  overcommit_memory_gib_hours?: number;
  /** Where GPU capacity is known. */
  overcommit_gpu_hours?: number;
}

export interface UsageReport {
  from: string;
  to: string;
  groupBy: UsageGroupBy;
  /** What the `billed_*` figures count. */
  basis: BillingBasis;
  /** Sample resolution detected from the data (or configured), in seconds. */
  step_seconds: number;
  rows: UsageReportRow[];
  totals: UsageFigures;
  /** Where the figures of each part of the period came from, in time order, tiling [from, to). */
  sources: UsageSource[];
  /** The step asked for, with the rows of each step. */
  step?: ReportStep;
  steps?: UsageReportStep[];
  /** Of the `namespaces` asked for, those with no pod in the period (a typo reads as no data, not as a zero bill). */
  namespaces_without_data?: string[];
  generated_at: string;
}

/** One step of a report asked with `step`. */
export interface UsageReportStep {
  from: string;
  to: string;
  rows: UsageReportRow[];
  totals: UsageFigures;
}

/** A part of a report's period and where its figures came from: the usage ledger's rolled hours, or the samples themselves. */
export interface UsageSource {
  from: string;
  to: string;
  source: 'ledger' | 'live';
}

export type SeriesGroupBy = 'namespace' | 'pod' | 'container' | 'node';

/** Body of `POST /api/series/{metric}`. */
export interface SeriesRequest {
  from?: string;
  to?: string;
  groupBy?: SeriesGroupBy;
  namespace?: string;
  /** Requested step in seconds; default chosen so the period yields at most ~500 points. */
  step?: number;
  includeSystem?: boolean;
}

export interface SeriesLine {
  /** Tags identifying the line, e.g. `{namespace_name: 'prod', pod_name: 'web-1'}`. */
  key: Record<string, string>;
  label: string;
  /** `[epoch milliseconds, value]`, value `null` where there is no data. */
  points: [number, number | null][];
}

export interface SeriesResponse {
  metric: string;
  unit: string;
  from: string;
  to: string;
  step_seconds: number;
  groupBy: SeriesGroupBy;
  series: SeriesLine[];
  /** True when there were more lines than the answer holds (narrow the namespace or the grouping). */
  truncated?: boolean;
  /** The newest sample's own time (the data's edge: "latest" is then, not a bucket's start); absent without data. */
  newest_sample_at?: string;
}

export interface MetricInfo {
  name: string;
  description: string;
  unit: string;
  kind: 'gauge' | 'counter';
  main: boolean;
  /** Whether the database holds data for this metric. */
  present: boolean;
}

export interface NamespacesResponse {
  namespaces: string[];
}

export type UserRole = 'admin' | 'viewer';

/** A user's `namespaces` entry granting every namespace; it stands alone in the list. */
export const ALL_NAMESPACES = '*';

/**
 * Where an account comes from: `local` (password kept by the API), `ldap` (the directory checks the
 * password; its groups give role and namespaces at each sign-in), `oidc` (the identity provider).
 */
export type UserSource = 'local' | 'ldap' | 'oidc';

export const USER_SOURCES: readonly UserSource[] = ['local', 'ldap', 'oidc'];

export interface UserView {
  username: string;
  email: string;
  role: UserRole;
  /** Namespaces the user may see: `["*"]` = all, `[]` = none. */
  namespaces: string[];
  /** Where the account comes from. */
  source: UserSource;
  createdAt: string;
  updatedAt: string;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the token expires. */
  expiresIn: number;
  user: UserView;
}

export interface CreateUserRequest {
  username: string;
  email: string;
  password: string;
  role?: UserRole;
  namespaces?: string[];
}

export interface UpdateUserRequest {
  email?: string;
  password?: string;
  role?: UserRole;
  namespaces?: string[];
}

export interface HealthResponse {
  status: 'ok' | 'error';
  checks?: Record<string, { status: 'up' | 'down'; message?: string }>;
}
