/**
 * Times the usage ledger's reads of a usage report on SQLite and PostgreSQL: a synthetic cluster of
 * 200 pods in 12 namespaces is written hour by hour through `LedgerStore.writeHour` (as the roller
 * writes it), then the three metrics' stitched usage (pods, namespaces, total, the step) is read as
 * `POST /api/usage` reads it, for periods of 30 and 366 days. Prints wall and CPU times (this
 * process; for PostgreSQL also the server's). Run by hand, not a suite; it takes minutes (writing a
 * year of hours) and a few hundred MiB of disk.
 *
 *   npx tsx --tsconfig apps/api/tsconfig.app.json apps/api-integration/src/ledger/ledger-read-timing.ts [sqlite|postgres] [days=366] [runs=5]
 *
 * LEDGER_TIMING_SQLITE=<file> keeps the SQLite ledger in that file and reuses it when it exists.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HOUR_MS, MetricHour, NamespaceFilter, NamespaceHour, PodFigures, SeriesFigures, StepSeries, stitchedUsage } from '@kube-monitoring/accounting';
import { seededRandom } from '@kube-monitoring/accounting/testing';
import { startPostgres } from '@kube-monitoring/testing';

import { LedgerStore } from '../../../api/src/database/ledger/ledger-store';
import { UserDatabase } from '../../../api/src/database/user-database';

const DAY_MS = 24 * HOUR_MS;
const MIN = 60_000;
const T0 = Date.UTC(2025, 9, 1);
const METRICS = ['cpu/usage_rate', 'memory/usage', 'gpu/usage'] as const;
const NAMESPACES = ['kube-system', 'default', 'cluster-3', ...Array.from({ length: 9 }, (_, i) => `team-${i + 1}`)];
const COLLECTOR = new Set(['kube-system', 'default', 'team-1', 'team-2', 'team-3']);
const PODS = Array.from({ length: 200 }, (_, i) => ({
  namespace: NAMESPACES[i % NAMESPACES.length] as string,
  pod: `pod-${String(i).padStart(3, '0')}-${'x'.repeat(20)}`,
  gpu: i % 10 === 0,
}));
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

function figures(rnd: () => number): SeriesFigures {
  const samples = 55 + Math.floor(rnd() * 6);
  return { integral: rnd() * 3.6e6, increase: rnd() * 1e3, coveredMs: HOUR_MS - Math.floor(rnd() * 60_000), samples, sum: rnd() * 6e4, max: Math.round(rnd() * 1e6) / 1e3 };
}

/** Per-step series of an hour, a few steps of margin on each side. */
function steps(rnd: () => number, hourMs: number): StepSeries {
  const times: number[] = [];
  const values: number[] = [];
  for (let t = hourMs - 5 * MIN; t <= hourMs + HOUR_MS + 5 * MIN; t += MIN) {
    times.push(t);
    values.push(Math.round(rnd() * 1e7) / 1e3);
  }
  return { times, values };
}

function hourOf(hourMs: number): MetricHour[] {
  const rnd = seededRandom(hourMs / HOUR_MS);
  return METRICS.map((metric) => {
    const pods: PodFigures[] = PODS.filter((p) => metric !== 'gpu/usage' || p.gpu).map((p) => ({ namespace: p.namespace, pod: p.pod, figures: figures(rnd) }));
    const present = new Set(pods.map((p) => p.namespace));
    const namespaces: NamespaceHour[] = NAMESPACES.filter((n) => present.has(n)).map((namespace) => {
      const collector = metric !== 'gpu/usage' && COLLECTOR.has(namespace);
      return {
        namespace,
        pods: pods.filter((p) => p.namespace === namespace).length,
        figures: figures(rnd),
        steps: collector ? { source: 'collector', steps: steps(rnd, hourMs), podSteps: steps(rnd, hourMs) } : { source: 'pods', steps: steps(rnd, hourMs) },
      };
    });
    return { metric, hourMs, stepMs: MIN, scale: metric === 'gpu/usage' ? 1e-3 : 1, pods, namespaces };
  });
}

/** CPU seconds of a process and its children-to-be (the server's backends), from /proc. */
function serverCpuMs(postmasterPid: number | undefined): number {
  if (postmasterPid === undefined) return 0;
  const tick = 10; // USER_HZ = 100
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      if (Number(entry) !== postmasterPid && ppid !== postmasterPid) continue;
      total += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function main(): Promise<void> {
  const kind = (process.argv[2] ?? 'sqlite') as 'sqlite' | 'postgres';
  const days = Number(process.argv[3] ?? 366);
  const runs = Number(process.argv[4] ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'km-ledger-timing-'));
  const postgres = kind === 'postgres' ? await startPostgres() : undefined;
  const postmasterPid = postgres ? Number(readFileSync(join(postgres.baseDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]) : undefined;
  const keep = kind === 'sqlite' ? process.env['LEDGER_TIMING_SQLITE'] : undefined;
  const reuse = keep !== undefined && existsSync(keep);
  const config = postgres ? { databaseUrl: postgres.url, sqlitePath: 'unused.sqlite' } : { databaseUrl: undefined, sqlitePath: keep ?? join(dir, 'ledger.sqlite') };
  const database = new UserDatabase(config, { logger: quiet });
  try {
    await database.connect();
    const store = new LedgerStore(database);
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const serverStarted = serverCpuMs(postmasterPid);
    for (let h = 0; h < (reuse ? 0 : days * 24); h++) {
      const hourMs = T0 + h * HOUR_MS;
      await store.writeHour(hourMs, hourOf(hourMs), { rawSamples: {} });
      if (h % (24 * 30) === 0) process.stderr.write(`  written ${h / 24} days\n`);
    }
    const cpu = process.cpuUsage(cpuStarted);
    console.log(
      `${kind}: wrote ${days * 24} hours in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
        `(node cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, server cpu ${((serverCpuMs(postmasterPid) - serverStarted) / 1000).toFixed(1)} s), ` +
        `${((performance.now() - started) / (days * 24)).toFixed(1)} ms per hour`,
    );

    const noLive = () => Promise.reject(new Error('only rolled hours are asked for'));
    const report = async (fromMs: number, toMs: number, ns: NamespaceFilter, groupBy: 'namespace' | 'pod') => {
      const period = { from: new Date(fromMs), to: new Date(toMs) };
      const usages = await Promise.all(
        METRICS.map(async (metric) => {
          const stepMs = (await store.stepMs(metric, fromMs, toMs)) ?? MIN;
          const samples = { metric, scale: 1 } as never;
          return stitchedUsage(store, noLive, samples, period, ns, stepMs, { namespaces: groupBy === 'namespace', total: true });
        }),
      );
      return usages;
    };
    const cases: { label: string; fromMs: number; toMs: number; ns: NamespaceFilter; groupBy: 'namespace' | 'pod' }[] = [];
    const user = { exclude: ['kube-system'] };
    for (const span of [30, 366].filter((d) => d <= days)) {
      const fromMs = T0 + (days - span) * DAY_MS;
      cases.push({ label: `${span} d, by namespace`, fromMs, toMs: fromMs + span * DAY_MS, ns: user, groupBy: 'namespace' });
      if (span < days)
        cases.push({ label: `${span} d at 07:00, by namespace`, fromMs: fromMs - 17 * HOUR_MS, toMs: fromMs + span * DAY_MS - 17 * HOUR_MS, ns: user, groupBy: 'namespace' });
      cases.push({ label: `${span} d, by pod`, fromMs, toMs: fromMs + span * DAY_MS, ns: user, groupBy: 'pod' });
      cases.push({ label: `${span} d, everything`, fromMs, toMs: fromMs + span * DAY_MS, ns: {}, groupBy: 'namespace' });
      cases.push({ label: `${span} d, 3 namespaces`, fromMs, toMs: fromMs + span * DAY_MS, ns: { only: ['default', 'team-4', 'team-7'] }, groupBy: 'namespace' });
    }
    for (const c of cases) {
      const wall: number[] = [];
      const cpuMs: number[] = [];
      const serverMs: number[] = [];
      let check = '';
      for (let i = 0; i <= runs; i++) {
        const t = performance.now();
        const u = process.cpuUsage();
        const s = serverCpuMs(postmasterPid);
        const usages = await report(c.fromMs, c.toMs, c.ns, c.groupBy);
        const used = process.cpuUsage(u);
        // The first run warms the caches; it is not counted.
        if (i > 0) {
          wall.push(performance.now() - t);
          cpuMs.push((used.user + used.system) / 1000);
          serverMs.push(serverCpuMs(postmasterPid) - s);
        }
        const total = usages.map((x) => x.total);
        check = `pods ${usages.map((x) => x.pods.length).join('/')}, total samples ${total.map((x) => x?.samples).join('/')}, covered ${total.map((x) => x?.coveredMs).join('/')}, peak ${total.map((x) => x?.max).join('/')}, integral ${total.map((x) => x?.integral.toPrecision(12)).join('/')}`;
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
      console.log(
        `${kind} ${c.label.padEnd(28)} wall ${median(wall).toFixed(0).padStart(5)} ms  node cpu ${median(cpuMs).toFixed(0).padStart(5)} ms` +
          (postgres ? `  server cpu ${median(serverMs).toFixed(0).padStart(5)} ms` : '') +
          `  | ${check}`,
      );
    }
    if (process.env['BREAKDOWN']) {
      for (const span of [30, 366].filter((d) => d <= days)) {
        const fromMs = T0 + (days - span) * DAY_MS;
        const toMs = fromMs + span * DAY_MS;
        const reads: [string, () => Promise<unknown>][] = [
          ['rolledHours', () => store.rolledHours(fromMs, toMs)],
          ['stepMs ×3', () => Promise.all(METRICS.map((m) => store.stepMs(m, fromMs, toMs)))],
          ['podFigures ×3', () => Promise.all(METRICS.map((m) => store.podFigures(m, fromMs, toMs, user)))],
          ['namespaceFigures ×3', () => Promise.all(METRICS.map((m) => store.namespaceFigures(m, fromMs, toMs, user)))],
          ['totalFigures ×3', () => Promise.all(METRICS.map((m) => store.totalFigures(m, fromMs, toMs, user)))],
          ['totalFigures 3 ns ×3', () => Promise.all(METRICS.map((m) => store.totalFigures(m, fromMs, toMs, { only: ['default', 'team-4', 'team-7'] })))],
        ];
        for (const [label, read] of reads) {
          const cpuMs: number[] = [];
          const wall: number[] = [];
          for (let i = 0; i <= runs; i++) {
            const t = performance.now();
            const u = process.cpuUsage();
            await read();
            const used = process.cpuUsage(u);
            if (i > 0) {
              wall.push(performance.now() - t);
              cpuMs.push((used.user + used.system) / 1000);
            }
          }
          const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
          console.log(`${kind} ${span} d ${label.padEnd(22)} wall ${median(wall).toFixed(1).padStart(7)} ms  node cpu ${median(cpuMs).toFixed(1).padStart(7)} ms`);
        }
      }
    }
  } finally {
    await database.close();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
