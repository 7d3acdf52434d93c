/**
 * The MCP tools: each one an HTTP endpoint of this API, read-only, called with the caller's own
 * credentials so that the tool answers exactly what the endpoint answers (same validation, scope,
 * limits and errors). Their schemas come from the endpoint's OpenAPI operation (mcp-schemas.ts).
 */
export interface McpTool {
  name: string;
  title: string;
  description: string;
  method: 'GET' | 'POST';
  /** Path below `/api/` for service credentials, `{metric}` a path parameter. */
  path: string;
  /** People (a bearer token) call it below `/api/ui/` (their namespaces only); else the same path. */
  uiMount: boolean;
  /** What a path parameter looks like, for the error when it is missing. */
  examples?: Record<string, string>;
}

export const MCP_TOOLS: readonly McpTool[] = [
  {
    name: 'usage_report',
    title: 'Usage report',
    description:
      'CPU core-hours, memory GiB-hours, GPU-hours and GPU-memory GB-hours per namespace, pod or node over a period (`from`/`to` or `window`, ' +
      'e.g. "lastmonth"), with requests, efficiencies, the billed figures of a basis (usage, request, max), per-step rows and idle capacity. ' +
      'What POST /api/usage answers; docs/accounting.md defines every figure.',
    method: 'POST',
    path: 'usage',
    uiMount: true,
  },
  {
    name: 'list_namespaces',
    title: 'Namespaces',
    description: 'The namespaces with data that the caller may read (GET /api/namespaces).',
    method: 'GET',
    path: 'namespaces',
    uiMount: true,
  },
  {
    name: 'metric_series',
    title: 'Metric series',
    description:
      'A metric over time for charts, per namespace, pod, container or node, at a chart-friendly step (POST /api/series/{metric}); ' +
      '`metric` is a catalog name such as "cpu/usage_rate" (list_metrics gives them).',
    method: 'POST',
    path: 'series/{metric}',
    uiMount: true,
    examples: { metric: 'cpu/usage_rate' },
  },
  {
    name: 'list_metrics',
    title: 'Metrics',
    description: 'The metric catalog: names, units, kinds and levels of the metrics stored (GET /api/metrics).',
    method: 'GET',
    path: 'metrics',
    uiMount: true,
  },
  {
    name: 'ledger_status',
    title: 'Usage ledger status',
    description: 'How far the usage ledger has rolled, its backfill, lag and last error (GET /api/ledger; the billing system or an admin).',
    method: 'GET',
    path: 'ledger',
    uiMount: false,
  },
  {
    name: 'billing_period',
    title: 'Billing period',
    description:
      'A calendar month\'s invoices per cost centre (GET /api/billing/periods/{period}, `period` as "2026-10"): lines per namespace and resource with ' +
      'quantity, unit, unit price, amount and coverage, totals, basis; open months computed now, closed ones frozen with their SHA-256 ' +
      '(`version` for an earlier version of a restated month). A viewer sees the lines of their namespaces. docs/billing.md explains it.',
    method: 'GET',
    path: 'billing/periods/{period}',
    // The billing endpoints take a bearer token on their own path.
    uiMount: false,
    examples: { period: '2026-10' },
  },
];

/** The path parameters of a tool's path (`{metric}` → `metric`). */
export function pathParameters(tool: McpTool): string[] {
  return [...tool.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
}
