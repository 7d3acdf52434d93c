/**
 * `tsx --tsconfig tools/tsconfig.json tools/accounting-comparison.ts [--scenario everything]`
 *
 * Measures the comparison table of docs/accounting.md on one adversarial dataset of the accuracy suite
 * (apps/api-integration/src/accuracy): per namespace, the exact ground truth from the simulator, our
 * figures from the built API (`POST /api/usage` over HTTP), the original system's `sum(value)` and
 * its naive unit fix (pod-level samples × step), the last two queried straight from InfluxDB.
 * Starts and stops its own InfluxDB and API; builds the API when stale. Prints Markdown.
 */
import { join } from 'node:path';

import { Command } from 'commander';

import { BYTES_PER_GIB, UsageReport } from '@kube-monitoring/contract';
import { heapsterSource, InfluxClient, InfluxQuery, podLevelSumByNamespaceQuery, seedSumByNamespaceQuery } from '@kube-monitoring/influx';
import { loadScenario, SCENARIOS } from '@kube-monitoring/scenarios';
import { NamespaceTruth } from '@kube-monitoring/simulator';
import { startInfluxDb } from '@kube-monitoring/testing';

import { startBenchApi, throwawayApiEnv } from './bench/lib/api-process';
import { prepareApiBuild, ROOT } from './bench/lib/build';

const SERVICE = { 'x-username': 'comparison', 'x-password': 'comparison-secret' };
const TMP = join(ROOT, 'tmp/accounting-comparison');
const log = (m: string) => process.stderr.write(`${m}\n`);

interface Quantity {
  title: string;
  unit: string;
  metric: string;
  /** Stored units per billed unit. */
  perUnit: number;
  truth: (t: NamespaceTruth) => number;
  ours: (row: UsageReport['rows'][number]) => number;
}

const QUANTITIES: Quantity[] = [
  { title: 'CPU', unit: 'core-hours', metric: 'cpu/usage_rate', perUnit: 1000, truth: (t) => t.cpuCoreHours, ours: (r) => r.cpu_core_hours },
  { title: 'Memory', unit: 'GiB-hours', metric: 'memory/usage', perUnit: BYTES_PER_GIB, truth: (t) => t.memoryGibHours, ours: (r) => r.memory_gib_hours },
  { title: 'GPU memory', unit: 'GB-hours', metric: 'gpu/usage', perUnit: 1000, truth: (t) => t.gpuMemoryGbHours, ours: (r) => r.gpu_memory_gb_hours },
];

async function sumsByNamespace(client: InfluxClient, query: InfluxQuery): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of await client.query(query)) out.set(s.tags?.['namespace_name'] ?? '', Number(s.values[0]?.[1] ?? 0));
  return out;
}

const fmt = (v: number) => (Math.abs(v) >= 1e6 ? v.toFixed(0) : v.toFixed(3));
const pct = (ours: number, truth: number) => (truth === 0 ? (ours === 0 ? '0' : 'n/a') : `${(((ours - truth) / truth) * 100).toFixed(3)} %`);

async function main(): Promise<void> {
  const { scenario: name } = new Command().option('--scenario <name>', 'accuracy-suite scenario', 'everything').parse().opts<{ scenario: string }>();
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const influx = await startInfluxDb({ log });
  try {
    const loaded = await loadScenario(influx.url, scenario);
    log(`${loaded.points} points written`);
    const truth = loaded.simulator.groundTruth({ from: scenario.from, to: scenario.to });
    const stepS = truth.stepSeconds;
    const main = prepareApiBuild(join(TMP, 'api'), log);
    const api = await startBenchApi({
      name: 'api',
      main,
      logDir: join(TMP, 'logs'),
      env: throwawayApiEnv(influx.url, loaded.database, SERVICE, join(TMP, 'users.sqlite'), { LOG_LEVEL: 'warn' }),
    });
    try {
      const res = await fetch(`${api.url}/api/usage`, {
        method: 'POST',
        headers: { ...SERVICE, 'content-type': 'application/json' },
        body: JSON.stringify({ from: scenario.from, to: scenario.to, includeSystem: true }),
      });
      if (!res.ok) throw new Error(`POST /api/usage answered ${res.status}: ${await res.text()}`);
      const report = (await res.json()) as UsageReport;
      const client = new InfluxClient({ url: influx.url, database: loaded.database, timeoutMs: 60_000 });
      const from = new Date(scenario.from);
      const to = new Date(scenario.to);
      const out: string[] = [
        `Dataset: accuracy-suite scenario \`${scenario.name}\` (${scenario.description}), ${scenario.from} → ${scenario.to},`,
        `${truth.pods.length} pods in ${truth.namespaces.length} namespaces, ${stepS} s samples, ${loaded.points} points written.`,
        '',
      ];
      for (const q of QUANTITIES) {
        const source = heapsterSource(q.metric);
        const seed = await sumsByNamespace(client, seedSumByNamespaceQuery(source, from, to));
        const naive = await sumsByNamespace(client, podLevelSumByNamespaceQuery(source, from, to));
        out.push(`**${q.title}, ${q.unit}**`, '');
        out.push(`| namespace | exact truth | ours | ours vs truth | pod samples × step | vs truth | seed \`sum(value)\` | seed ÷ truth (as ${q.unit}) |`);
        out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
        const totals = { truth: 0, ours: 0, naive: 0, seed: 0 };
        for (const t of truth.namespaces) {
          const row = report.rows.find((r) => r.namespace_name === t.namespace_name);
          const exact = q.truth(t);
          const ours = row ? q.ours(row) : 0;
          const naiveHours = ((naive.get(t.namespace_name) ?? 0) * stepS) / q.perUnit / 3600;
          const seedRaw = seed.get(t.namespace_name) ?? 0;
          totals.truth += exact;
          totals.ours += ours;
          totals.naive += naiveHours;
          totals.seed += seedRaw;
          const seedRatio = exact > 0 ? `${(seedRaw / q.perUnit / exact).toFixed(1)} ×` : seedRaw === 0 ? '–' : 'n/a';
          out.push(
            `| ${t.namespace_name} | ${fmt(exact)} | ${fmt(ours)} | ${pct(ours, exact)} | ${fmt(naiveHours)} | ${pct(naiveHours, exact)} | ${fmt(seedRaw)} | ${seedRatio} |`,
          );
        }
        const seedRatio = totals.truth > 0 ? `${(totals.seed / q.perUnit / totals.truth).toFixed(1)} ×` : '–';
        out.push(
          `| **all** | ${fmt(totals.truth)} | ${fmt(totals.ours)} | ${pct(totals.ours, totals.truth)} | ${fmt(totals.naive)} | ${pct(totals.naive, totals.truth)} | ${fmt(totals.seed)} | ${seedRatio} |`,
          '',
        );
      }
      client.close();
      process.stdout.write(`${out.join('\n')}\n`);
    } finally {
      await api.stop();
    }
  } finally {
    await influx.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`accounting-comparison: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
