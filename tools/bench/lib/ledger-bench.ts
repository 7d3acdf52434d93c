/**
 * The usage ledger, measured side by side with the live computation: how fast an API rolls a seeded
 * cluster into the ledger, how big it gets, and how fast reports come from it compared with the same
 * reports computed live from InfluxDB, each API restarted first so no in-memory cache answers.
 */
import { existsSync, statSync } from 'node:fs';

import { BenchApi } from './api-process';
import { HttpTarget } from './http';
import { apiPost, medianOf, serviceHeaders } from './side-by-side';

const HOUR = 3_600_000;

export interface LedgerPeriod {
  label: string;
  fromMs: number;
  toMs: number;
  /** Measure the live side too (it may not finish in the bench's time). */
  live: boolean;
}

export interface LedgerBenchContext {
  log: (line: string) => void;
  /** Starts an API process on the bench's dataset with extra environment. */
  startApi: (name: string, env: Record<string, string>) => Promise<BenchApi>;
  stopApi: (api: BenchApi) => Promise<void>;
  target: (url: string) => HttpTarget;
  /** Where the ledger is kept: its name in the summary, the API's environment for it, and its size on disk after the backfill (NaN: not measured). */
  store: { name: 'sqlite' | 'postgresql'; env: Record<string, string>; bytes: () => Promise<number> };
  /** Where the data starts, and the hours of cluster time it holds. */
  dataFromMs: number;
  dataHours: number;
  pods: number;
  runs: number;
  /** Reports to time after the backfill; none: the backfill alone is measured. */
  periods: LedgerPeriod[];
}

export interface LedgerBenchLine {
  scenario: string;
  text: string;
}

interface Status {
  backfill: { done: boolean; hours: number; hoursDone: number };
  podHours: number;
  lastError: string | null;
}

/** Rolls the dataset, then times the reports; answers the summary lines. */
export async function ledgerBench(ctx: LedgerBenchContext): Promise<LedgerBenchLine[]> {
  // No answers kept in memory: every timed request below is computed (the billing period repeats its month).
  const env = {
    CACHE_MAX_ENTRIES: '0',
    LEDGER_ENABLED: 'true',
    LEDGER_POLL_INTERVAL: '1s',
    LEDGER_BACKFILL_FROM: new Date(ctx.dataFromMs).toISOString(),
    ...ctx.store.env,
  };
  const on = ctx.store.name;
  const started = Date.now();
  let api = await ctx.startApi(`api-ledger-${on}`, env);
  const status = await waitForBackfill(ctx, api);
  const seconds = (Date.now() - started) / 1000;
  const bytes = await ctx.store.bytes();
  ctx.log(
    `backfill of ${ctx.pods} pods on ${on}: ${status.backfill.hoursDone} hours (${ctx.dataHours} with data), ${status.podHours} pod-hours in ${seconds.toFixed(1)} s` +
      (Number.isFinite(bytes) ? `; ${(bytes / 2 ** 20).toFixed(1)} MiB` : ''),
  );
  const lines: LedgerBenchLine[] = [
    {
      scenario: `ledger backfill ${ctx.pods} pods ${on}`,
      text:
        `pod_hours_per_s=${(status.podHours / seconds).toFixed(0)}  cluster_hours_per_s=${(ctx.dataHours / seconds).toFixed(2)}  ` +
        `realtime_x=${((ctx.dataHours * 3600) / seconds).toFixed(0)}  s_per_cluster_hour=${(seconds / ctx.dataHours).toFixed(2)}`,
    },
  ];
  if (Number.isFinite(bytes)) {
    lines.push({ scenario: `ledger size ${ctx.pods} pods ${on}`, text: `bytes_per_pod_hour=${(bytes / Math.max(1, status.podHours)).toFixed(0)}  pod_hours=${status.podHours}` });
  }
  if (ctx.periods.length === 0) {
    await ctx.stopApi(api);
    return lines;
  }

  // Restarted: the answers below come from the ledger, not from any cache of the process.
  await ctx.stopApi(api);
  api = await ctx.startApi(`api-ledger-${on}`, env);
  const live = await ctx.startApi(`api-live-${on}`, { LEDGER_ENABLED: 'false', CACHE_MAX_ENTRIES: '0' });
  try {
    const ledgerTarget = ctx.target(api.url);
    const liveTarget = ctx.target(live.url);
    // One request that reads no usage, to each: the first query's connection set-up is no report's cost.
    for (const t of [ledgerTarget, liveTarget]) await t.send({ method: 'GET', path: '/api/ledger', headers: serviceHeaders() });
    for (const p of ctx.periods) {
      const ledgerMs: number[] = [];
      const liveMs: number[] = [];
      const peak = api.trackPeakRss();
      for (let i = 0; i < ctx.runs; i++) {
        // A distinct period per run (whole hours later), so no run repeats another.
        const request = apiPost('/api/usage', { from: new Date(p.fromMs + i * HOUR).toISOString(), to: new Date(p.toMs + i * HOUR).toISOString() });
        const a = await ledgerTarget.send(request, { timeoutMs: 900_000 });
        if (a.status !== 200) throw new Error(`ledger report ${p.label}: status ${a.status}`);
        ledgerMs.push(a.ms);
        if (p.live) {
          const b = await liveTarget.send(request, { timeoutMs: 900_000 });
          if (b.status !== 200) throw new Error(`live report ${p.label}: status ${b.status}`);
          liveMs.push(b.ms);
        }
      }
      const rss = peak();
      const a = medianOf(ledgerMs);
      const b = p.live ? medianOf(liveMs) : undefined;
      ctx.log(
        `ledger report ${p.label} on ${on}: ledger ${ledgerMs.map((m) => m.toFixed(0)).join(' / ')} ms, live ${p.live ? liveMs.map((m) => m.toFixed(0)).join(' / ') + ' ms' : 'skipped'}`,
      );
      lines.push({
        scenario: `ledger report ${p.label} ${ctx.pods} pods ${on}`,
        text:
          `api_p50_ms=${a.toFixed(1)}  ` +
          (b === undefined ? 'live_p50_ms=skipped (longer than the bench waits)  speedup=-' : `live_p50_ms=${b.toFixed(0)}  speedup=${(b / a).toFixed(0)}`) +
          `  api_peak_rss_mib=${(rss / 2 ** 20).toFixed(0)}`,
      });
    }
    lines.push(await billingBench(ctx, ledgerTarget, liveTarget));
  } finally {
    await ctx.stopApi(live);
    await ctx.stopApi(api);
  }
  return lines;
}

/**
 * An open month's invoices (GET /api/billing/periods/{month}), from the ledger and live: a tariff
 * change and a namespace moved inside the data (three intervals), and a label assignment (each
 * interval measured per pod too), written to both APIs' stores through the API.
 */
async function billingBench(ctx: LedgerBenchContext, ledger: HttpTarget, live: HttpTarget): Promise<LedgerBenchLine> {
  // The month of the timed reports (the data may begin the evening before).
  const month = new Date(ctx.periods[0]?.fromMs ?? ctx.dataFromMs).toISOString().slice(0, 7);
  const monthStart = `${month}-01T00:00:00.000Z`;
  const mid = (f: number) => new Date(Math.floor((ctx.dataFromMs + f * ctx.dataHours * HOUR) / HOUR) * HOUR).toISOString();
  const tariff = { name: 'bench', currency: 'EUR', basis: 'request', rounding: { mode: 'half-up', decimals: 2 } };
  const terms: [string, unknown][] = [
    ['/api/billing/tariffs', { ...tariff, validFrom: monthStart, prices: { cpu_core_hour: '0.021', memory_gib_hour: '0.0029', gpu_hour: '1.35' } }],
    ['/api/billing/tariffs', { ...tariff, validFrom: mid(0.25), prices: { cpu_core_hour: '0.025', memory_gib_hour: '0.0029', gpu_hour: '1.35' } }],
    ['/api/billing/cost-centres', { code: 'CC-1', name: 'One', tariff: 'bench' }],
    ['/api/billing/cost-centres', { code: 'CC-2', name: 'Two', tariff: 'bench' }],
    ['/api/billing/assignments', { costCentre: 'CC-1', namespace: 'lab-vision', validFrom: monthStart }],
    ['/api/billing/assignments', { costCentre: 'CC-2', namespace: 'lab-vision', validFrom: mid(0.5) }],
    ['/api/billing/assignments', { costCentre: 'CC-2', label: 'app', value: 'jupyter', validFrom: monthStart }],
  ];
  for (const target of [ledger, live]) {
    // The live API keeps one users file for every store's run: written once.
    const known = await target.send({ method: 'GET', path: '/api/billing/tariffs', headers: serviceHeaders() }, { keepText: true });
    if (known.status === 200 && (JSON.parse(known.text ?? '{}') as { tariffs?: { name: string }[] }).tariffs?.some((t) => t.name === 'bench')) continue;
    for (const [path, body] of terms) {
      const res = await target.send(apiPost(path, body));
      if (res.status !== 201) throw new Error(`billing bench: POST ${path}: status ${res.status}`);
    }
  }
  const request = { method: 'GET', path: `/api/billing/periods/${month}`, headers: serviceHeaders() };
  // A month of hundreds of pods live takes minutes: once, when the data is longer than two days.
  const liveRuns = ctx.dataHours > 48 ? 1 : ctx.runs;
  const ledgerMs: number[] = [];
  const liveMs: number[] = [];
  for (let i = 0; i < ctx.runs; i++) {
    const a = await ledger.send(request, { timeoutMs: 900_000 });
    if (a.status !== 200) throw new Error(`billing period from the ledger: status ${a.status}`);
    ledgerMs.push(a.ms);
    if (i < liveRuns) {
      const b = await live.send(request, { timeoutMs: 900_000 });
      if (b.status !== 200) throw new Error(`billing period live: status ${b.status}`);
      liveMs.push(b.ms);
    }
  }
  const a = medianOf(ledgerMs);
  const b = medianOf(liveMs);
  ctx.log(`billing period ${month} on ${ctx.store.name}: ledger ${ledgerMs.map((m) => m.toFixed(0)).join(' / ')} ms, live ${liveMs.map((m) => m.toFixed(0)).join(' / ')} ms`);
  return { scenario: `billing period ${month} ${ctx.pods} pods ${ctx.store.name}`, text: `api_p50_ms=${a.toFixed(1)}  live_p50_ms=${b.toFixed(0)}  speedup=${(b / a).toFixed(0)}` };
}

async function waitForBackfill(ctx: LedgerBenchContext, api: BenchApi): Promise<Status> {
  const target = ctx.target(api.url);
  let lastLog = 0;
  for (;;) {
    const res = await target.send({ method: 'GET', path: '/api/ledger', headers: serviceHeaders() }, { keepText: true });
    const status = JSON.parse(res.text ?? '{}') as Status;
    if (res.status === 200 && status.backfill.done) return status;
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      ctx.log(`  ledger: ${status.backfill?.hoursDone ?? 0}/${status.backfill?.hours ?? '?'} hours${status.lastError ? `, last error: ${status.lastError}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Bytes of a SQLite file and its write-ahead log. */
export function sqliteBytes(path: string): number {
  return ['', '-wal']
    .map((suffix) => `${path}${suffix}`)
    .filter(existsSync)
    .reduce((n, f) => n + statSync(f).size, 0);
}
