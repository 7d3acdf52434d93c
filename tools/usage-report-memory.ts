/**
 * `tsx --tsconfig tools/tsconfig.json tools/usage-report-memory.ts [--days 30] [--pods 200] [--influx-url URL --database DB]`
 *
 * Measures the built API's memory (RSS of the process, from /proc) before, during and after a usage
 * report over a long period: by default 30 days × 200 pods at 60 s, about 8.6 million samples per
 * metric and level, written by the simulator in the Heapster schema (pod, container and namespace
 * series of cpu/usage_rate, cpu/usage, memory/usage, gpu/usage). Prints what it measured; asserts
 * nothing. Starts (and stops) its own InfluxDB unless --influx-url is given; builds the API when stale.
 */
import { join } from 'node:path';

import { Command } from 'commander';

import { loadScenario, Scenario } from '@kube-monitoring/scenarios';
import { CLUSTER_PROFILES } from '@kube-monitoring/simulator';
import { InfluxHandle, startInfluxDb } from '@kube-monitoring/testing';

import { startBenchApi, throwawayApiEnv } from './bench/lib/api-process';
import { prepareApiBuild, ROOT } from './bench/lib/build';

const DAY = 86_400_000;
const SERVICE = { 'x-username': 'memory-check', 'x-password': 'memory-check-secret' };
const TMP = join(ROOT, 'tmp/usage-memory');

interface Options {
  days: string;
  pods: string;
  influxUrl?: string;
  database?: string;
  skipLoad?: boolean;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);

async function main(): Promise<void> {
  const opts = new Command()
    .option('--days <n>', 'days in the report period', '30')
    .option('--pods <n>', 'service pods running at once', '200')
    .option('--influx-url <url>', 'use this InfluxDB instead of starting one')
    .option('--database <db>', 'database name (with --influx-url: reuse it)')
    .option('--skip-load', 'the database already holds the dataset')
    .parse()
    .opts<Options>();
  const days = Number(opts.days);
  const pods = Number(opts.pods);
  const from = Date.parse('2024-02-01T00:00:00Z');
  const to = from + days * DAY;
  const scenario: Scenario = {
    name: 'memory',
    description: `${days} days, ${pods} pods`,
    simulation: { seed: 7, profile: { ...CLUSTER_PROFILES.benchmark, servicePods: pods } },
    dataFrom: new Date(from - 3_600_000).toISOString(),
    dataTo: new Date(to + 3_600_000).toISOString(),
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  };
  const database = opts.database ?? `usage_memory_${days}d_${pods}p`;

  let influx: InfluxHandle | undefined;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    let influxUrl = opts.influxUrl;
    if (!influxUrl) {
      influx = await startInfluxDb({ log });
      stops.push(() => (influx as InfluxHandle).stop());
      influxUrl = influx.url;
    }
    if (!opts.skipLoad) {
      log(`writing ${days} days × ${pods} pods into ${database}…`);
      const started = Date.now();
      let last = started;
      const loaded = await loadScenario(influxUrl, scenario, {
        database,
        writeLines: 20_000,
        onProgress: (points) => {
          if (Date.now() - last < 15_000) return;
          last = Date.now();
          log(`  ${(points / 1e6).toFixed(1)} M points, ${Math.round(points / ((last - started) / 1000))} points/s`);
        },
      });
      log(`wrote ${loaded.points} points in ${loaded.writeSeconds.toFixed(0)} s (${Math.round(loaded.points / loaded.writeSeconds)} points/s)`);
    }

    const main = prepareApiBuild(join(TMP, 'api'), log);
    const api = await startBenchApi({
      name: 'api',
      main,
      logDir: join(TMP, 'logs'),
      env: throwawayApiEnv(influxUrl, database, SERVICE, join(TMP, 'users.sqlite'), { INFLUXDB_TIMEOUT_MS: '600000', LOG_LEVEL: 'warn' }),
    });
    stops.push(() => api.stop());

    const post = async (body: unknown) => {
      const started = Date.now();
      const res = await fetch(`${api.url}/api/usage`, { method: 'POST', headers: { ...SERVICE, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.text();
      if (!res.ok) throw new Error(`POST /api/usage answered ${res.status}: ${text.slice(0, 300)}`);
      return { seconds: (Date.now() - started) / 1000, rows: (JSON.parse(text) as { rows: unknown[] }).rows.length, bytes: text.length };
    };

    // Warm the process (route compilation, first InfluxDB connection) on a small report.
    await post({ from: scenario.from, to: new Date(from + 3_600_000).toISOString() });
    await new Promise((r) => setTimeout(r, 3000));
    const before = api.rssBytes();
    const runs: { label: string; seconds: number; rows: number; bytes: number; peak: number; timeline: number[] }[] = [];
    for (const groupBy of ['namespace', 'pod'] as const) {
      const timeline: number[] = [];
      const sampler = setInterval(() => timeline.push(api.rssBytes()), 500);
      const stopPeak = api.trackPeakRss();
      const r = await post({ from: scenario.from, to: scenario.to, groupBy, includeSystem: true });
      const peak = stopPeak();
      clearInterval(sampler);
      runs.push({ label: `groupBy ${groupBy}`, ...r, peak, timeline });
      log(`report by ${groupBy}: ${r.seconds.toFixed(1)} s, ${r.rows} rows, peak RSS ${mib(peak)}`);
    }
    await new Promise((r) => setTimeout(r, 5000));
    const after = api.rssBytes();

    const lines = [
      `Usage report over ${days} days × ${pods} pods (60 s samples), built API, RSS of the API process:`,
      `| | time | rows | RSS |`,
      `|---|---|---|---|`,
      `| before (idle, warmed up) | | | ${mib(before)} |`,
      ...runs.map((r) => `| during ${r.label} (peak) | ${r.seconds.toFixed(1)} s | ${r.rows} | ${mib(r.peak)} |`),
      `| after (5 s later) | | | ${mib(after)} |`,
      '',
      ...runs.map((r) => `RSS every 0.5 s during ${r.label}: ${r.timeline.map((b) => (b / 2 ** 20).toFixed(0)).join(' ')} MiB`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await stopAll();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`usage-report-memory: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
