import type { UsageReport } from '@kube-monitoring/contract';

/**
 * Figures of two reports that differ: none may. Usage within 1e-9 relative (then rounded to six
 * decimals, so one millionth of slack), counts, peaks and coverage equal once rounded.
 */
export function sameFigures(actual: UsageReport, expected: UsageReport): string[] {
  const key = (r: UsageReport['rows'][number]) => `${r.node_name === undefined ? '' : `${r.node_name}:`}${r.namespace_name ?? ''}/${r.pod_name ?? ''}`;
  const want = new Map(expected.rows.map((r) => [key(r), r]));
  const out: string[] = [];
  if (actual.rows.length !== expected.rows.length) out.push(`rows: ${actual.rows.length} vs ${expected.rows.length}`);
  const compare = (what: string, a: Record<string, unknown>, b: Record<string, unknown> | undefined) => {
    if (!b) return void out.push(`${what}: not in the live report`);
    for (const [field, value] of Object.entries(a)) {
      const other = b[field];
      if (typeof value !== 'number' || typeof other !== 'number') {
        if (value !== other) out.push(`${what} ${field}: ${String(value)} vs ${String(other)}`);
        continue;
      }
      const usage = field.endsWith('_hours') || field.endsWith('_average');
      if (usage ? Math.abs(value - other) > 1e-6 + 1e-9 * Math.abs(other) : value !== other) out.push(`${what} ${field}: ${value} vs ${other}`);
    }
  };
  for (const r of actual.rows) compare(key(r), r as unknown as Record<string, unknown>, want.get(key(r)) as unknown as Record<string, unknown> | undefined);
  compare('totals', actual.totals as unknown as Record<string, unknown>, expected.totals as unknown as Record<string, unknown>);
  return out;
}
