/**
 * `npm run bench [-- --quick] [--fresh] [--only SECTIONS] [--json FILE] [--no-express] [--api-main FILE]`
 *
 * Measures the API against direct InfluxDB queries in the same run, on generated data:
 *  1. raw query and each `agg` of POST /api/cpu/usage_rate: median/p99 latency (1 connection)
 *     and requests/s (several connections), API vs the same InfluxQL straight to InfluxDB, and vs
 *     a minimal Node pass-through process sending that InfluxQL (the floor of any HTTP hop);
 *  2. the usage report (POST /api/usage) over 30 days and 200 pods: time API vs direct, API peak RSS;
 *  3. how the report's time grows with the period and with the number of pods;
 *  4. Fastify (the API) vs NestJS's default Express adapter: same answers, requests/s;
 *  5. the usage ledger: backfill speed (also of a 2,000-pod cluster), size, reports from it vs live,
 *     on SQLite and on PostgreSQL.
 * Ends with one summary line per scenario. Reports numbers; asserts nothing.
 *
 * "The same InfluxQL": a second API process talks to InfluxDB through a recording proxy; the
 * statements it sends for each request (text, bound parameters, chunking, concurrency) are replayed
 * straight to InfluxDB by the same HTTP client that times the API. Everything runs on 127.0.0.1 and
 * every process started here is stopped at the end, on error and on Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

import { Command } from 'commander';
import { Client } from 'pg';

import { InfluxHandle, startInfluxDb, startPostgres } from '@kube-monitoring/testing';

import { adapterEndpoints, AdapterResult, behaviourProbes, compareBehaviour, compareThroughput } from './lib/adapters';
import { BenchApi, startBenchApi, throwawayApiEnv } from './lib/api-process';
import { BENCH_TMP, prepareApiBuild, prepareExpressBuild } from './lib/build';
import { datasetDir, datasetKey, DatasetSpec, readSeeded, seedDatasets, SeededDataset } from './lib/dataset';
import { FloorProcess, floorRequest, startFloor } from './lib/floor-process';
import { HttpRequest, HttpTarget } from './lib/http';
import { ledgerBench, LedgerPeriod, sqliteBytes } from './lib/ledger-bench';
import { runLoop } from './lib/load-loop';
import { RecordingProxy } from './lib/recorder';
import { apiPost, LoopPlan, medianOf, record, Recording, SERVICE_PASSWORD, SERVICE_USER, SideBySide, sideBySide, TimedRuns, timedRuns } from './lib/side-by-side';
import { mib, ms, ratio, table } from './lib/stats';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Period {
  label: string;
  fromMs: number;
  toMs: number;
}

interface ModeConfig {
  name: 'quick' | 'full';
  /** `huge`: the 2,000-pod cluster whose backfill speed the ledger section measures. */
  datasets: { main: DatasetSpec; small: DatasetSpec; large: DatasetSpec; huge: DatasetSpec };
  latency: LoopPlan;
  throughput: LoopPlan;
  /** Requests recorded per scenario (their statements are what the direct side replays, in turn). */
  recordedPlans: number;
  report: { period: Period; runs: number };
  periods: Period[];
  podsPeriod: Period;
  scalingRuns: number;
  adapters: { connections: number; seconds: number };
}

const iso = (t: number) => new Date(t).toISOString();
const period = (label: string, spanMs: number): Period => ({ label, fromMs: T0, toMs: T0 + spanMs });
const dataset = (db: string, pods: number, spanMs: number): DatasetSpec => ({ db, pods, from: iso(T0 - HOUR), to: iso(T0 + spanMs + HOUR) });

const MODES: Record<'quick' | 'full', ModeConfig> = {
  quick: {
    name: 'quick',
    datasets: { main: dataset('pods_200', 200, DAY), small: dataset('pods_50', 50, HOUR), large: dataset('pods_800', 800, HOUR), huge: dataset('pods_2000', 2000, HOUR) },
    latency: { connections: 1, roundMs: 1200, rounds: 1, warmUpRequests: 2 },
    throughput: { connections: 8, roundMs: 800, rounds: 1, warmUpRequests: 8 },
    recordedPlans: 2,
    report: { period: period('1 d', DAY), runs: 1 },
    periods: [period('1 h', HOUR), period('1 d', DAY)],
    podsPeriod: period('1 h', HOUR),
    scalingRuns: 1,
    adapters: { connections: 32, seconds: 1 },
  },
  full: {
    name: 'full',
    datasets: {
      main: dataset('pods_200', 200, 30 * DAY),
      small: dataset('pods_50', 50, DAY),
      large: dataset('pods_800', 800, DAY),
      huge: dataset('pods_2000', 2000, 4 * HOUR),
    },
    latency: { connections: 1, roundMs: 4000, rounds: 3, warmUpRequests: 20 },
    throughput: { connections: 8, roundMs: 3000, rounds: 2, warmUpRequests: 16 },
    recordedPlans: 5,
    report: { period: period('30 d', 30 * DAY), runs: 2 },
    periods: [period('1 d', DAY), period('7 d', 7 * DAY), period('30 d', 30 * DAY)],
    podsPeriod: period('1 d', DAY),
    scalingRuns: 2,
    adapters: { connections: 32, seconds: 8 },
  },
};

interface SummaryLine {
  scenario: string;
  apiP50: number;
  directP50: number;
  /** The pass-through floor's median, where the scenario has one. */
  floorP50?: number;
  extra?: string;
  /** Printed as `scenario  extra` only (the ledger lines carry their own figures). */
  plain?: boolean;
}

interface LatencyScenario {
  name: string;
  /** The body of the i-th request (each one a different window). */
  body: (i: number) => Record<string, unknown>;
  /**
   * Also measure the pass-through floor: only where the API passes rows through (raw points). An
   * aggregation streams and reduces its input and answers little; no pass-through models that.
   */
  withFloor: boolean;
}

interface Results {
  mode: string;
  machine: Record<string, string | number>;
  datasets: SeededDataset[];
  latency: { scenario: string; statements: string[]; answerBytes: { api: number; floor?: number }; latency: SideBySide; throughput: SideBySide; repeatP50: number }[];
  report?: { scenario: string; endpoint: string; statements: string[]; runs: TimedRuns; cachedMs?: number };
  scaling: { dimension: 'period' | 'pods'; label: string; pods: number; podNames: number; runs: TimedRuns }[];
  adapters?: { behaviour: { same: number; differences: string[] }; throughput: AdapterResult[] };
  summary: SummaryLine[];
}

/** The sections `--only` may name. */
export const SECTIONS = ['raw', 'report', 'scaling', 'adapters', 'ledger'] as const;
type Section = (typeof SECTIONS)[number];

const log = (m: string) => console.log(m);
const benchStarted = Date.now();
const section = (title: string) => console.log(`\n=== [${((Date.now() - benchStarted) / 1000).toFixed(0)} s] ${title}`);

class Bench {
  private influx: InfluxHandle | undefined;
  private readonly apis: BenchApi[] = [];
  private readonly proxies: RecordingProxy[] = [];
  private floor: FloorProcess | undefined;
  private readonly targets: HttpTarget[] = [];
  private readonly runDir: string;

  constructor(
    private readonly mode: ModeConfig,
    private readonly options: { fresh: boolean; express: boolean; json?: string; apiMain?: string; only: ReadonlySet<Section> },
  ) {
    mkdirSync(BENCH_TMP, { recursive: true });
    this.runDir = mkdtempSync(join(BENCH_TMP, 'run-'));
  }

  async run(): Promise<Results> {
    const started = Date.now();
    const results: Results = { mode: this.mode.name, machine: machine(), datasets: [], latency: [], scaling: [], summary: [] };
    section(`kube-monitoring bench (${this.mode.name}) on ${results.machine['cpu']} × ${results.machine['cpus']}, ${results.machine['memory']}, Node ${process.version}`);
    warnIfBusy('before the bench');

    section('builds');
    const apiMain = this.options.apiMain ? resolve(this.options.apiMain) : prepareApiBuild(join(this.runDir, 'api'), log);
    if (this.options.apiMain) log(`API build under test: ${apiMain}`);
    const expressMain = this.options.express ? prepareExpressBuild(log) : undefined;

    section('InfluxDB and data');
    results.datasets = await this.prepareData();
    const [main, small, large, huge] = results.datasets as [SeededDataset, SeededDataset, SeededDataset, SeededDataset];

    const runs = (name: Section) => this.options.only.has(name);
    if (runs('raw') || runs('report') || runs('scaling') || (expressMain && runs('adapters'))) {
      section('API processes');
      const api = await this.api('api-pods-200', apiMain, main.db);
      const recorder = await this.recorder('recorder-pods-200', apiMain, main.db);

      if (runs('raw')) {
        section('1. raw query and aggregations: API vs direct InfluxDB');
        await this.latencyScenarios(results, api, recorder, main);
      }
      if (runs('report')) {
        section(`2. usage report over ${this.mode.report.period.label} and ${main.pods} pods`);
        await this.reportScenario(results, api, recorder, main);
      }
      if (runs('scaling')) {
        section('3. how the report time grows');
        await this.scaling(results, api, recorder, apiMain, { main, small, large });
      }
      if (expressMain && runs('adapters')) {
        section('4. Fastify (the API) vs NestJS default Express adapter');
        await this.adapters(results, api, expressMain, main);
      }
    }

    if (runs('ledger')) {
      section('5. the usage ledger: backfill, size, reports from it vs live');
      await this.ledger(results, apiMain, main, huge);
    }

    results.machine['loadavg_end'] = loadavg()[0]?.toFixed(2) ?? '-';
    this.printTables(results);
    section('summary');
    for (const s of results.summary) {
      if (s.plain) {
        console.log(`${s.scenario}  ${s.extra ?? ''}`);
        continue;
      }
      const floor = s.floorP50 === undefined ? '' : `  floor_p50_ms=${ms(s.floorP50)}  floor_ratio=${ratio(s.floorP50, s.directP50)}`;
      console.log(`${s.scenario}  api_p50_ms=${ms(s.apiP50)}  direct_p50_ms=${ms(s.directP50)}  ratio=${ratio(s.apiP50, s.directP50)}${floor}${s.extra ? `  ${s.extra}` : ''}`);
    }
    console.log(`\nbench (${this.mode.name}) finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (this.options.json) {
      writeFileSync(
        this.options.json,
        JSON.stringify(results, (k, v: unknown) => (k === 'latenciesMs' ? undefined : v), 2),
      );
      log(`results written to ${this.options.json}`);
    }
    return results;
  }

  /** Keep the API logs when the run failed. */
  keepLogs = false;

  async cleanup(): Promise<void> {
    for (const t of this.targets) t.close();
    await Promise.all(this.apis.map((a) => a.stop().catch(() => undefined)));
    await this.floor?.stop().catch(() => undefined);
    await Promise.all(this.proxies.map((p) => p.stop().catch(() => undefined)));
    if (this.influx) {
      this.influx.resume();
      await this.influx.stop({ keepData: true });
    }
    if (this.keepLogs) console.error(`API logs kept in ${this.runDir}/logs`);
    else rmSync(this.runDir, { recursive: true, force: true });
  }

  private target(url: string, sockets = 64): HttpTarget {
    const t = new HttpTarget(url, sockets);
    this.targets.push(t);
    return t;
  }

  private async prepareData(): Promise<SeededDataset[]> {
    const specs = [this.mode.datasets.main, this.mode.datasets.small, this.mode.datasets.large, this.mode.datasets.huge];
    const key = datasetKey(specs);
    const { dir, ready } = datasetDir(this.mode.name, key, this.options.fresh);
    if (!ready) rmSync(dir, { recursive: true, force: true });
    this.influx = await startInfluxDb({ dataDir: dir, log });
    if (ready) {
      log(`reusing the generated data in ${dir.replace(`${BENCH_TMP}/`, 'tmp/bench/')} (--fresh to regenerate)`);
      const seeded = readSeeded(dir);
      for (const d of seeded) log(`  ${d.db}: ${d.pods} pods at once, ${d.podNames} pod names, ${d.lines} lines, ${d.from} → ${d.to}`);
      return seeded;
    }
    const started = Date.now();
    const seeded = await seedDatasets(this.influx.url, specs, dir, log);
    const lines = seeded.reduce((a, d) => a + d.lines, 0);
    log(`seeded ${lines} lines in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return seeded;
  }

  private env(db: string, influxPort: number): Record<string, string> {
    const service = { 'x-username': SERVICE_USER, 'x-password': SERVICE_PASSWORD };
    return throwawayApiEnv(`http://127.0.0.1:${influxPort}`, db, service, join(this.runDir, `${db}-${influxPort}-users.sqlite`));
  }

  private async api(name: string, main: string, db: string): Promise<BenchApi> {
    const influx = this.influx as InfluxHandle;
    const a = await startBenchApi({ name, main, env: this.env(db, influx.port), logDir: join(this.runDir, 'logs') });
    this.apis.push(a);
    log(`${name}: ${a.url} (pid ${a.pid}) → InfluxDB ${influx.url} db ${db}`);
    return a;
  }

  /** An API process that reaches InfluxDB through a recording proxy (never timed). */
  private async recorder(name: string, main: string, db: string): Promise<{ api: BenchApi; proxy: RecordingProxy }> {
    const influx = this.influx as InfluxHandle;
    const proxy = new RecordingProxy(influx.url);
    const port = await proxy.start();
    this.proxies.push(proxy);
    const a = await startBenchApi({ name, main, env: this.env(db, port), logDir: join(this.runDir, 'logs') });
    this.apis.push(a);
    log(`${name}: ${a.url} (pid ${a.pid}) → recording proxy :${port} → InfluxDB`);
    return { api: a, proxy };
  }

  private async stopApi(a: BenchApi): Promise<void> {
    await a.stop();
    this.apis.splice(this.apis.indexOf(a), 1);
  }

  private async latencyScenarios(results: Results, api: BenchApi, recorder: { api: BenchApi; proxy: RecordingProxy }, data: SeededDataset): Promise<void> {
    // Every request asks for its own 1-hour window (one second later than the previous one), so no
    // answer can come from a cache of past periods: these are the cold figures.
    const windowAt = (i: number) => {
      const from = T0 + 6 * HOUR + i * 1000;
      return { timeBeginInterval: iso(from), timeEndInterval: iso(from + HOUR) };
    };
    const scenarios: LatencyScenario[] = [
      { name: 'raw limit=100', body: (i) => ({ namespace: data.busiestNamespace, limit: 100, ...windowAt(i) }), withFloor: true },
      { name: 'agg pod-by-namespace', body: (i) => ({ namespace: data.busiestNamespace, agg: 'pod-by-namespace', ...windowAt(i) }), withFloor: false },
      { name: 'agg all-namespace', body: (i) => ({ agg: 'all-namespace', ...windowAt(i) }), withFloor: false },
      { name: 'agg all-pod', body: (i) => ({ agg: 'all-pod', ...windowAt(i) }), withFloor: false },
    ];
    log(`POST /api/cpu/usage_rate on ${data.db}: 1-hour windows, each request one second later than the previous; namespace ${data.busiestNamespace} where one is needed`);
    const influxUrl = (this.influx as InfluxHandle).url;
    // One floor process for all scenarios, so it is as warm as the API by the later ones.
    const floor = await startFloor(influxUrl);
    this.floor = floor;
    log(`pass-through floor: ${floor.url} (pid ${floor.pid}), plain node:http replaying the recorded statements → InfluxDB`);
    const targets = { api: this.target(api.url), recorder: this.target(recorder.api.url), influx: this.target(influxUrl), floor: this.target(floor.url) };
    try {
      for (const s of scenarios) await this.latencyScenario(results, s, targets, recorder.proxy, floor);
    } finally {
      await floor.stop();
      this.floor = undefined;
    }
  }

  private async latencyScenario(
    results: Results,
    s: LatencyScenario,
    t: Record<'api' | 'recorder' | 'influx' | 'floor', HttpTarget>,
    proxy: RecordingProxy,
    floor: FloorProcess,
  ): Promise<void> {
    const requestAt = (i: number) => apiPost('/api/cpu/usage_rate', s.body(i));
    // The recorder API has its own caches: record windows the measured API will never ask for.
    const recorded = Array.from({ length: this.mode.recordedPlans }, (_, i) => requestAt(-3600 + i * 60));
    const recording = await record(t.recorder, proxy, recorded, requestAt(-7200));
    if (s.withFloor) await floor.load(recording.plans);
    log(`\n${s.name}: ${recording.plans[0]?.calls.length ?? 0} InfluxDB statement(s) per request`);
    for (const line of recording.statements) log(line);
    const floorTarget = s.withFloor ? t.floor : undefined;
    const answerBytes = await this.answerSizes(t.api, floorTarget, requestAt(-1), recording.plans.length);
    log(`  answer sizes: API ${answerBytes.api} bytes${answerBytes.floor === undefined ? '' : `, floor ${answerBytes.floor} bytes (every row of every statement)`}`);
    let n = 0;
    const nextRequest = () => requestAt(n++);
    const latency = await sideBySide(t.api, t.influx, floorTarget, nextRequest, recording, this.mode.latency);
    const lf = latency.floor;
    const floorLatency = lf ? ` | floor p50 ${ms(lf.p50)} ms p99 ${ms(lf.p99)} ms` : '';
    const floorRatio = lf ? ` | floor ratio ${ratio(lf.p50, latency.direct.p50)}` : '';
    log(
      `  latency (1 connection): API p50 ${ms(latency.api.p50)} ms p99 ${ms(latency.api.p99)} ms | direct p50 ${ms(latency.direct.p50)} ms p99 ${ms(latency.direct.p99)} ms${floorLatency} | ratio ${ratio(latency.api.p50, latency.direct.p50)}${floorRatio}`,
    );
    const throughput = await sideBySide(t.api, t.influx, floorTarget, nextRequest, recording, this.mode.throughput);
    const tf = throughput.floor;
    log(
      `  throughput (${this.mode.throughput.connections} connections): API ${throughput.api.rps.toFixed(0)} req/s | direct ${throughput.direct.rps.toFixed(0)} req/s${tf ? ` | floor ${tf.rps.toFixed(0)} req/s` : ''}`,
    );
    // The same past window asked again and again (what a cache of settled periods is for).
    const same = requestAt(0);
    const repeat = await runLoop({ connections: 1, durationMs: this.mode.latency.roundMs / 4, minRequests: 3, task: async () => (await t.api.send(same)).status === 200 });
    log(`  the same request repeated (1 connection): API p50 ${ms(repeat.p50)} ms`);
    const errors = [latency.api, latency.direct, lf, throughput.api, throughput.direct, tf, repeat].reduce((a, r) => a + (r?.errors ?? 0), 0);
    if (errors > 0) log(`  ${errors} failed request(s)`);
    results.latency.push({ scenario: s.name, statements: recording.statements, answerBytes, latency, throughput, repeatP50: repeat.p50 });
    results.summary.push({
      scenario: s.name,
      apiP50: latency.api.p50,
      directP50: latency.direct.p50,
      floorP50: lf?.p50,
      extra: [
        `api_p99_ms=${ms(latency.api.p99)}  direct_p99_ms=${ms(latency.direct.p99)}`,
        lf ? `floor_p99_ms=${ms(lf.p99)}` : '',
        `api_rps=${throughput.api.rps.toFixed(0)}  direct_rps=${throughput.direct.rps.toFixed(0)}`,
        tf ? `floor_rps=${tf.rps.toFixed(0)}` : '',
        `api_repeat_p50_ms=${ms(repeat.p50)}`,
      ]
        .filter(Boolean)
        .join('  '),
    });
  }

  /** One untimed request to the API and to the floor (if measured): their answer sizes, and a failure shown early. */
  private async answerSizes(api: HttpTarget, floor: HttpTarget | undefined, apiRequest: HttpRequest, plans: number): Promise<{ api: number; floor?: number }> {
    const size = async (side: string, target: HttpTarget, req: HttpRequest) => {
      const a = await target.send(req, { keepText: true });
      if (a.status !== 200) throw new Error(`${side} ${req.method} ${req.path} answered ${a.status}: ${(a.text ?? '').slice(0, 300)}`);
      return a.bytes;
    };
    return { api: await size('api', api, apiRequest), floor: floor ? await size('floor', floor, floorRequest(0, plans)) : undefined };
  }

  private reportRequest(p: Period, shiftMinutes: number): HttpRequest {
    return apiPost('/api/usage', { from: iso(p.fromMs + shiftMinutes * MINUTE), to: iso(p.toMs + shiftMinutes * MINUTE) });
  }

  /** Times one report definition on one API: `runs` distinct requests (shifted by a minute each), recorded once. */
  private async timeReport(api: BenchApi, recorder: { api: BenchApi; proxy: RecordingProxy }, p: Period, runs: number): Promise<{ runs: TimedRuns; recording: Recording }> {
    const apiTarget = this.target(api.url, 4);
    const recTarget = this.target(recorder.api.url, 4);
    const influx = this.target((this.influx as InfluxHandle).url, 8);
    // Distinct periods everywhere (shifted by whole minutes), so no answer comes from a cache of
    // settled periods: the warm-up (step detection, pools) at -11 min, the recorded request at -3 min,
    // the measured runs at +1, +2, … min.
    const warmUp = this.reportRequest({ label: 'warm-up', fromMs: p.fromMs, toMs: p.fromMs + HOUR }, -11);
    const requests = Array.from({ length: runs }, (_, i) => this.reportRequest(p, i + 1));
    const recording = await record(recTarget, recorder.proxy, [this.reportRequest(p, -3)], warmUp);
    await apiTarget.send(warmUp);
    const timed = await timedRuns(api, apiTarget, influx, requests, recording, runs);
    return { runs: timed, recording };
  }

  private async reportScenario(results: Results, api: BenchApi, recorder: { api: BenchApi; proxy: RecordingProxy }, data: SeededDataset): Promise<void> {
    const p = this.mode.report.period;
    log(`POST /api/usage {from, to} (per namespace, cpu + memory + GPU memory) over ${p.label}: ${iso(p.fromMs)} → ${iso(p.toMs)} (+1 min per run so no run repeats another)`);
    const { runs, recording } = await this.timeReport(api, recorder, p, this.mode.report.runs);
    log(`${recording.plans[0]?.calls.length ?? 0} InfluxDB statements per report:`);
    for (const line of recording.statements) log(line);
    const apiMs = medianOf(runs.apiMs);
    const directMs = medianOf(runs.directMs);
    const peak = Math.max(...runs.apiPeakRss);
    log(`API ${runs.apiMs.map(ms).join(' / ')} ms | direct ${runs.directMs.map(ms).join(' / ')} ms | ratio ${ratio(apiMs, directMs)} (medians)`);
    log(
      `API RSS before ${mib(runs.apiRssBefore)}, peak during the reports ${mib(peak)}; answer ${runs.apiBytes} bytes; InfluxDB sent ${(runs.directBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    // The same report again: a repeated request for a past period.
    const again = await this.target(api.url, 2).send(this.reportRequest(p, 1), { keepText: true });
    log(`same report requested again: ${ms(again.ms)} ms (status ${again.status})`);
    results.report = { scenario: `usage report ${p.label} ${data.pods} pods`, endpoint: '/api/usage', statements: recording.statements, runs, cachedMs: again.ms };
    results.summary.push({
      scenario: `usage report ${p.label.replace(' ', '')} ${data.pods} pods`,
      apiP50: apiMs,
      directP50: directMs,
      extra: `api_peak_rss_mib=${(peak / 2 ** 20).toFixed(0)}  repeat_ms=${ms(again.ms)}`,
    });
    results.scaling.push({ dimension: 'period', label: p.label, pods: data.pods, podNames: data.podNames, runs });
  }

  private async ledger(results: Results, apiMain: string, data: SeededDataset, huge: SeededDataset): Promise<void> {
    const influx = this.influx as InfluxHandle;
    const hoursOf = (d: SeededDataset) => ({ dataFromMs: Date.parse(d.from), dataHours: Math.round((Date.parse(d.to) - Date.parse(d.from)) / HOUR) });
    // Whole hours inside the data; the year-long report reaches past it (empty rolled hours and a live tail).
    const periods =
      this.mode.name === 'quick'
        ? [{ label: '1d', fromMs: T0, toMs: T0 + DAY, live: true }]
        : [
            { label: '1d', fromMs: T0, toMs: T0 + DAY, live: true },
            { label: '30d', fromMs: T0, toMs: T0 + 30 * DAY, live: true },
            { label: '366d', fromMs: T0, toMs: T0 + 366 * DAY, live: false },
          ];
    const on = (d: SeededDataset, reports: LedgerPeriod[]) => ({
      log,
      startApi: async (name: string, extra: Record<string, string>) => {
        const a = await startBenchApi({ name, main: apiMain, env: { ...this.env(d.db, influx.port), ...extra }, logDir: join(this.runDir, 'logs') });
        this.apis.push(a);
        return a;
      },
      stopApi: (a: BenchApi) => this.stopApi(a),
      target: (url: string) => this.target(url, 4),
      ...hoursOf(d),
      pods: d.pods,
      runs: 3,
      periods: reports,
    });
    const common = on(data, periods);
    // The 2,000-pod cluster: its backfill only (the target is an hour of it rolled in under 3.6 s).
    const hugeRun = on(huge, []);
    const sqlitePath = join(this.runDir, `${data.db}-ledger.sqlite`);
    const lines = await ledgerBench({ ...common, store: { name: 'sqlite', env: { SQLITE_PATH: sqlitePath }, bytes: async () => sqliteBytes(sqlitePath) } });
    const hugePath = join(this.runDir, `${huge.db}-ledger.sqlite`);
    lines.push(...(await ledgerBench({ ...hugeRun, store: { name: 'sqlite', env: { SQLITE_PATH: hugePath }, bytes: async () => sqliteBytes(hugePath) } })));
    log('PostgreSQL: a throwaway server on a loopback port');
    const pg = await startPostgres({ database: 'ledger_bench' });
    try {
      const size = async () => {
        const client = new Client({ connectionString: pg.url });
        await client.connect();
        try {
          // The ledger's tables with their indexes and TOAST, not the empty database's catalogs.
          const sql = "SELECT COALESCE(SUM(pg_total_relation_size(oid)), 0) AS n FROM pg_class WHERE relkind = 'r' AND relname LIKE 'ledger\\_%'";
          return Number((await client.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
        } finally {
          await client.end();
        }
      };
      lines.push(...(await ledgerBench({ ...common, store: { name: 'postgresql', env: { DATABASE_URL: pg.url }, bytes: size } })));
    } finally {
      await pg.stop();
    }
    // A server of its own for the 2,000-pod cluster's ledger (its size is not what is measured).
    const pgHuge = await startPostgres({ database: 'ledger_bench_huge' });
    try {
      lines.push(...(await ledgerBench({ ...hugeRun, store: { name: 'postgresql', env: { DATABASE_URL: pgHuge.url }, bytes: async () => Number.NaN } })));
    } finally {
      await pgHuge.stop();
    }
    for (const l of lines) results.summary.push({ scenario: l.scenario, apiP50: Number.NaN, directP50: Number.NaN, extra: l.text, plain: true });
  }

  private async scaling(
    results: Results,
    api: BenchApi,
    recorder: { api: BenchApi; proxy: RecordingProxy },
    apiMain: string,
    data: { main: SeededDataset; small: SeededDataset; large: SeededDataset },
  ): Promise<void> {
    for (const p of this.mode.periods) {
      if (results.scaling.some((s) => s.dimension === 'period' && s.label === p.label)) continue;
      const { runs } = await this.timeReport(api, recorder, p, this.mode.scalingRuns);
      log(`period ${p.label}, ${data.main.pods} pods: API ${ms(medianOf(runs.apiMs))} ms, direct ${ms(medianOf(runs.directMs))} ms`);
      results.scaling.push({ dimension: 'period', label: p.label, pods: data.main.pods, podNames: data.main.podNames, runs });
    }
    const p = this.mode.podsPeriod;
    for (const d of [data.small, data.main, data.large]) {
      let runs: TimedRuns;
      if (d === data.main) {
        const existing = results.scaling.find((s) => s.dimension === 'period' && s.label === p.label);
        runs = existing ? existing.runs : (await this.timeReport(api, recorder, p, this.mode.scalingRuns)).runs;
      } else {
        const a = await this.api(`api-${d.db}`, apiMain, d.db);
        const r = await this.recorder(`recorder-${d.db}`, apiMain, d.db);
        try {
          runs = (await this.timeReport(a, r, p, this.mode.scalingRuns)).runs;
        } finally {
          await this.stopApi(a);
          await this.stopApi(r.api);
        }
      }
      log(`pods ${d.pods} (${d.podNames} pod names), ${p.label}: API ${ms(medianOf(runs.apiMs))} ms, direct ${ms(medianOf(runs.directMs))} ms`);
      results.scaling.push({ dimension: 'pods', label: `${d.pods} pods`, pods: d.pods, podNames: d.podNames, runs });
    }
    for (const s of results.scaling) {
      const name = s.dimension === 'period' ? `report ${s.label.replace(' ', '')} ${s.pods} pods` : `report ${p.label.replace(' ', '')} ${s.pods} pods`;
      if (results.summary.some((x) => x.scenario === name) || (s.dimension === 'period' && s.label === this.mode.report.period.label)) continue;
      results.summary.push({
        scenario: name,
        apiP50: medianOf(s.runs.apiMs),
        directP50: medianOf(s.runs.directMs),
        extra: `api_peak_rss_mib=${(Math.max(...s.runs.apiPeakRss) / 2 ** 20).toFixed(0)}`,
      });
    }
  }

  private async adapters(results: Results, api: BenchApi, expressMain: string, data: SeededDataset): Promise<void> {
    const influx = this.influx as InfluxHandle;
    const express = await startBenchApi({ name: 'express-baseline', main: expressMain, env: this.env(data.db, influx.port), logDir: join(this.runDir, 'logs') });
    this.apis.push(express);
    log(`express-baseline: ${express.url} (pid ${express.pid}), same AppModule on @nestjs/platform-express`);
    try {
      const window = { from: iso(T0 + 6 * HOUR), to: iso(T0 + 7 * HOUR) };
      const behaviour = await compareBehaviour(this.target(api.url), this.target(express.url), behaviourProbes(window, data.busiestNamespace));
      log(`same answers (status and JSON body) on ${behaviour.same}/${behaviour.same + behaviour.differences.length} probe requests`);
      for (const d of behaviour.differences) log(`  differs: ${d}`);
      const throughput = await compareThroughput(
        api.url,
        express.url,
        adapterEndpoints(window, data.busiestNamespace),
        this.mode.adapters.connections,
        this.mode.adapters.seconds,
        log,
      );
      results.adapters = { behaviour, throughput };
      for (const t of throughput) {
        results.summary.push({
          scenario: `fastify vs express: ${t.endpoint}`,
          apiP50: t.fastifyP50,
          directP50: t.expressP50,
          extra: `fastify_rps=${t.fastifyRps.toFixed(0)}  express_rps=${t.expressRps.toFixed(0)}  rps_gain=${ratio(t.fastifyRps, t.expressRps)}  (ratio = fastify/express latency)`,
        });
      }
    } finally {
      await this.stopApi(express);
    }
  }

  private printTables(results: Results): void {
    section('API vs direct InfluxDB (POST /api/cpu/usage_rate, 1-hour windows)');
    console.log(
      table(
        [
          'scenario',
          'api p50',
          'api p99',
          'direct p50',
          'direct p99',
          'floor p50',
          'floor p99',
          'ratio p50',
          'floor ratio',
          'api req/s',
          'direct req/s',
          'floor req/s',
          'api repeat p50',
        ],
        results.latency.map((l) => [
          l.scenario,
          ms(l.latency.api.p50),
          ms(l.latency.api.p99),
          ms(l.latency.direct.p50),
          ms(l.latency.direct.p99),
          l.latency.floor ? ms(l.latency.floor.p50) : '-',
          l.latency.floor ? ms(l.latency.floor.p99) : '-',
          ratio(l.latency.api.p50, l.latency.direct.p50),
          l.latency.floor ? ratio(l.latency.floor.p50, l.latency.direct.p50) : '-',
          l.throughput.api.rps.toFixed(0),
          l.throughput.direct.rps.toFixed(0),
          l.throughput.floor ? l.throughput.floor.rps.toFixed(0) : '-',
          ms(l.repeatP50),
        ]),
      ),
    );
    section('usage report time (ms, medians) by period and by pods');
    console.log(
      table(
        ['report', 'pods (names)', 'api ms', 'direct ms', 'ratio', 'api peak RSS'],
        results.scaling.map((s) => [
          s.dimension === 'period' ? `period ${s.label}` : `${this.mode.podsPeriod.label}, ${s.label}`,
          `${s.pods} (${s.podNames})`,
          ms(medianOf(s.runs.apiMs)),
          ms(medianOf(s.runs.directMs)),
          ratio(medianOf(s.runs.apiMs), medianOf(s.runs.directMs)),
          mib(Math.max(...s.runs.apiPeakRss)),
        ]),
      ),
    );
    if (results.adapters) {
      section(`Fastify vs Express (${this.mode.adapters.connections} connections)`);
      console.log(
        table(
          ['endpoint', 'fastify req/s', 'express req/s', 'gain', 'fastify p50', 'express p50', 'bad answers'],
          results.adapters.throughput.map((t) => [
            t.endpoint,
            t.fastifyRps.toFixed(0),
            t.expressRps.toFixed(0),
            `${ratio(t.fastifyRps, t.expressRps)}×`,
            `${t.fastifyP50} ms`,
            `${t.expressP50} ms`,
            `${t.fastifyBad}/${t.expressBad}`,
          ]),
        ),
      );
    }
  }
}

/** Other work on the machine skews every number: say so. */
function warnIfBusy(when: string): void {
  const load = loadavg()[0] ?? 0;
  const n = cpus().length;
  if (load > n * 0.5) console.log(`warning: load average ${load.toFixed(2)} on ${n} CPUs ${when}: other processes compete with the bench; numbers will be noisy`);
}

function machine(): Record<string, string | number> {
  const list = cpus();
  let influxd = 'unknown';
  try {
    influxd = execFileSync('/usr/bin/influxd', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    influxd = 'not installed';
  }
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    influxd,
    loadavg_start: loadavg()[0]?.toFixed(2) ?? '-',
  };
}

async function main(): Promise<void> {
  const program = new Command()
    .name('bench')
    .description('API vs direct InfluxDB on generated data: latency, throughput, reports, scaling, Fastify vs Express')
    .option('--quick', 'small data and short runs (under 2 minutes once built)')
    .option('--fresh', 'regenerate the data even if a matching dataset exists')
    .option('--only <sections>', `run only these sections, comma-separated: ${SECTIONS.join(', ')}`, SECTIONS.join(','))
    .option('--no-express', 'skip the Fastify vs Express comparison')
    .option('--json <file>', 'also write the results as JSON')
    .option('--api-main <file>', 'bench this API build (a main.js) instead of building dist/apps/api')
    .parse(process.argv);
  const opts = program.opts<{ quick?: boolean; fresh?: boolean; express: boolean; json?: string; apiMain?: string; only: string }>();
  const only = opts.only.split(',').map((x) => x.trim());
  const unknown = only.filter((x) => !(SECTIONS as readonly string[]).includes(x));
  if (unknown.length > 0) program.error(`--only: unknown section ${unknown.join(', ')} (sections: ${SECTIONS.join(', ')})`);
  const bench = new Bench(opts.quick ? MODES.quick : MODES.full, {
    fresh: !!opts.fresh,
    express: opts.express,
    json: opts.json,
    apiMain: opts.apiMain,
    only: new Set(only as Section[]),
  });
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the processes the bench started…`);
    bench
      .cleanup()
      .catch(() => undefined)
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await bench.run();
  } catch (e) {
    bench.keepLogs = true;
    throw e;
  } finally {
    if (!interrupted) await bench.cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
