/**
 * The usage ledger through outages, on PostgreSQL and a real InfluxDB: each is killed in the middle
 * of a backfill and started again. The worker says why in `lastError`, retries with growing delays,
 * and finishes; then the ledger holds every hour once, and its reports equal the live ones (over the
 * period and hour by hour) and the simulator's truth.
 */
import { Client } from 'pg';

import { UsageReport } from '@kube-monitoring/contract';
import { LoadedScenario, loadScenario, SHORT_CHURN } from '@kube-monitoring/scenarios';
import { GroundTruth } from '@kube-monitoring/simulator';
import { getFreePort, InfluxHandle, noteSecret, PostgresHandle, startInfluxDb, startPostgres } from '@kube-monitoring/testing';

import { LedgerWorker } from '../../../api/src/ledger/ledger-worker';
import { metricsListenerOf } from '../../../api/src/observability/prometheus-metrics';
import { ApiUnderTest, startApi } from '../accuracy/support/api-under-test';
import { compareRows, nsKeyOfRow, nsKeyOfTruth, podKeyOfRow, podKeyOfTruth } from '../accuracy/support/ground-truth-compare';
import { lostEdgeUsage, LostUsage } from '../accuracy/support/lost-edges';
import { sameFigures } from '../accuracy/support/same-figures';

jest.setTimeout(180_000);

const HOUR = 3_600_000;
/** 16 hours of the churn cluster: a backfill of ~15 s here. */
const scenario = SHORT_CHURN;
/** Hours with a sample in them or next to them: every one holds pods. */
const DATA_HOURS = Array.from({ length: (Date.parse(scenario.dataTo) - Date.parse(scenario.dataFrom)) / HOUR }, (_, i) => Date.parse(scenario.dataFrom) + i * HOUR);
/** The outage lasts this long before the server is started again: a few failed rounds. */
const OUTAGE_MS = 4000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Status {
  backfill: { from: string; done: boolean; hours: number; hoursDone: number };
  podHours: number;
  lastError: string | null;
}

/** What the tables hold, read straight from PostgreSQL. */
interface Tables {
  hours: number;
  distinctHours: number;
  firstHour: number;
  lastHour: number;
  podHours: number;
  /** Pods per hour that holds any. */
  podsByHour: Map<number, number>;
  /** Hours whose `pods` differ from their rows in ledger_pod_hours, and rows of hours not in ledger_hours. */
  inconsistent: string[];
}

async function readTables(url: string): Promise<Tables> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query(sql)).rows as Record<string, string | number | null>[];
    const [summary] = await q(
      `SELECT COUNT(*) AS hours, COUNT(DISTINCT "hour_start") AS distinct_hours, MIN("hour_start") AS first_hour, MAX("hour_start") AS last_hour, COALESCE(SUM("pods"), 0) AS pod_hours FROM "ledger_hours"`,
    );
    const pods = await q(`SELECT "hour_start", "pods" FROM "ledger_hours" WHERE "pods" > 0 ORDER BY "hour_start"`);
    const inconsistent = [
      ...(
        await q(
          `SELECT h."hour_start", h."pods", COUNT(p."pod_id") AS "rows" FROM "ledger_hours" h LEFT JOIN "ledger_pod_hours" p ON p."hour_start" = h."hour_start"
          GROUP BY h."hour_start", h."pods" HAVING COUNT(p."pod_id") <> h."pods"`,
        )
      ).map((r) => `hour ${new Date(Number(r['hour_start'])).toISOString()}: pods ${r['pods']}, ${r['rows']} pod rows`),
      ...(await q(`SELECT DISTINCT p."hour_start" FROM "ledger_pod_hours" p WHERE NOT EXISTS (SELECT 1 FROM "ledger_hours" h WHERE h."hour_start" = p."hour_start")`)).map(
        (r) => `pod rows of unrolled hour ${new Date(Number(r['hour_start'])).toISOString()}`,
      ),
      ...(await q(`SELECT DISTINCT n."hour_start" FROM "ledger_namespace_hours" n WHERE NOT EXISTS (SELECT 1 FROM "ledger_hours" h WHERE h."hour_start" = n."hour_start")`)).map(
        (r) => `namespace rows of unrolled hour ${new Date(Number(r['hour_start'])).toISOString()}`,
      ),
    ];
    return {
      hours: Number(summary?.['hours']),
      distinctHours: Number(summary?.['distinct_hours']),
      firstHour: Number(summary?.['first_hour']),
      lastHour: Number(summary?.['last_hour']),
      podHours: Number(summary?.['pod_hours']),
      podsByHour: new Map(pods.map((r) => [Number(r['hour_start']), Number(r['pods'])])),
      inconsistent,
    };
  } finally {
    await client.end();
  }
}

/** `kube_monitoring_ledger_last_round_failed` as the API's metrics port shows it. */
async function lastRoundFailedGauge(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('kube_monitoring_ledger_last_round_failed '));
  return Number(line?.split(' ')[1]);
}

/** The ledger's round failures and recoveries, as logged. */
function roundLog(logs: readonly string[]): { retryDelaysS: number[]; recoveries: number } {
  const messages = logs.map((l) => String((JSON.parse(l) as { msg?: unknown }).msg ?? ''));
  return {
    retryDelaysS: messages.flatMap((m) => /^ledger round failed: .*; retrying in (\d+) s$/s.exec(m)?.[1] ?? []).map(Number),
    recoveries: messages.filter((m) => m === 'ledger rolling again after the error').length,
  };
}

/** One line per outage, printed at the end (the evidence). */
const summary: string[] = [];

describe('Usage ledger through outages (API, PostgreSQL, InfluxDB)', () => {
  let postgres: PostgresHandle;
  let influx: InfluxHandle;
  let loaded: LoadedScenario;
  let live: ApiUnderTest;
  let truth: GroundTruth;
  let lostPods: Map<string, LostUsage>;
  const period = () => ({ from: scenario.from, to: scenario.to, includeSystem: true });
  /** Pods per hour of the first outage's ledger, which the second must hold as well. */
  let reference: Map<number, number> | undefined;

  const ledgerEnv = (databaseUrl: string, metricsPort: number): Record<string, string> => ({
    DATABASE_URL: databaseUrl,
    LEDGER_ENABLED: 'true',
    LEDGER_POLL_INTERVAL: '1s',
    LEDGER_BACKFILL_FROM: scenario.dataFrom,
    METRICS_PORT: String(metricsPort),
  });

  /** An API rolling into a database of its own, its metrics port listening, its log kept. */
  async function startLedgerApi(database: string): Promise<{ api: ApiUnderTest; url: string; logs: string[]; metricsPort: number }> {
    const url = await postgres.createDatabase(database);
    noteSecret(new URL(url).password);
    const logs: string[] = [];
    const metricsPort = await getFreePort();
    const api = await startApi(influx.url, loaded.database, ledgerEnv(url, metricsPort), { logs });
    await metricsListenerOf(api.app.getHttpAdapter().getInstance())?.start();
    return { api, url, logs, metricsPort };
  }

  /**
   * Waits until a few hours with data are rolled, and more are left: the middle of the backfill
   * (the backfill's status counts the empty hours after the data too, recorded at once).
   */
  async function midBackfill(api: ApiUnderTest, url: string): Promise<{ status: Status; rolled: number }> {
    const rolled = await eventually('three rolled hours with data', async () => {
      const n = (await readTables(url)).podsByHour.size;
      return n >= 3 ? n : undefined;
    });
    expect(rolled).toBeLessThan(DATA_HOURS.length);
    const status = (await api.get<Status>('/api/ledger')).body;
    expect(status.backfill.done).toBe(false);
    expect(status.lastError).toBeNull();
    return { status, rolled };
  }

  /**
   * Waits until every hour is rolled and the round that rolled them has ended well (the error of the
   * round before stays until then).
   */
  async function recovered(api: ApiUnderTest): Promise<Status> {
    return eventually(
      'the backfill to finish without an error',
      async () => {
        const res = await api.get<Status>('/api/ledger');
        return res.status === 200 && res.body.backfill.done && res.body.lastError === null ? res.body : undefined;
      },
      120_000,
    );
  }

  /** Every hour once, every figure the live one (whole period and each hour) and the truth's. */
  async function expectWholeLedger(api: ApiUnderTest, url: string, status: Status): Promise<void> {
    expect(status.lastError).toBeNull();
    const tables = await readTables(url);
    expect(tables.inconsistent).toEqual([]);
    expect({ hours: tables.hours, distinct: tables.distinctHours, first: tables.firstHour }).toEqual({
      hours: status.backfill.hours,
      distinct: status.backfill.hours,
      first: Date.parse(scenario.dataFrom),
    });
    expect(tables.lastHour).toBe(Date.parse(scenario.dataFrom) + (status.backfill.hours - 1) * HOUR);
    expect(tables.podHours).toBe(status.podHours);
    // Pods in every hour with data, none outside (the hour after the data sees its last samples' windows).
    for (const h of DATA_HOURS) expect({ hour: new Date(h).toISOString(), pods: (tables.podsByHour.get(h) ?? 0) > 0 }).toEqual({ hour: new Date(h).toISOString(), pods: true });
    expect([...tables.podsByHour.keys()].filter((h) => h > DATA_HOURS[DATA_HOURS.length - 1] + HOUR)).toEqual([]);
    if (reference) expect(tables.podsByHour).toEqual(reference);
    reference ??= tables.podsByHour;

    for (const groupBy of ['pod', 'namespace'] as const) {
      const [fromLedger, fromSamples] = await Promise.all([
        api.post<UsageReport>('/api/usage', { ...period(), groupBy }),
        live.post<UsageReport>('/api/usage', { ...period(), groupBy }),
      ]);
      expect(fromLedger.status).toBe(200);
      expect(fromLedger.body.sources.map((s) => s.source)).toEqual(['live', 'ledger', 'live']);
      expect(sameFigures(fromLedger.body, fromSamples.body)).toEqual([]);
      const result =
        groupBy === 'pod'
          ? compareRows(fromLedger.body.rows, truth.pods, podKeyOfRow, podKeyOfTruth, lostPods)
          : compareRows(fromLedger.body.rows, truth.namespaces, nsKeyOfRow, nsKeyOfTruth, namespaceLosses(lostPods));
      expect({ groupBy, mismatches: result.mismatches, missing: result.missing, extra: result.extra }).toEqual({ groupBy, mismatches: [], missing: [], extra: [] });
    }
    // Hour by hour: a lost hour, or one counted twice, would show in its own report.
    for (const h of DATA_HOURS) {
      const body = { from: new Date(h).toISOString(), to: new Date(h + HOUR).toISOString(), groupBy: 'pod', includeSystem: true };
      const [fromLedger, fromSamples] = await Promise.all([api.post<UsageReport>('/api/usage', body), live.post<UsageReport>('/api/usage', body)]);
      expect(fromLedger.body.sources).toEqual([{ from: body.from, to: body.to, source: 'ledger' }]);
      expect({ hour: body.from, differences: sameFigures(fromLedger.body, fromSamples.body) }).toEqual({ hour: body.from, differences: [] });
    }
  }

  beforeAll(async () => {
    [postgres, influx] = await Promise.all([startPostgres(), startInfluxDb()]);
    loaded = await loadScenario(influx.url, scenario, { database: 'ledger_outages' });
    live = await startApi(influx.url, loaded.database, { LEDGER_ENABLED: 'false' });
    truth = loaded.simulator.groundTruth({ from: scenario.from, to: scenario.to });
    lostPods = lostEdgeUsage(loaded.simulator, scenario.from, scenario.to);
  });

  afterAll(async () => {
    if (summary.length > 0) process.stdout.write(`\n${summary.join('\n')}\n`);
    await live?.close();
    await influx?.stop();
    await postgres?.stop();
  });

  it('should retry through a PostgreSQL crash mid-backfill, then hold every hour once and the live figures', async () => {
    const { api, url, logs, metricsPort } = await startLedgerApi('ledger_pg_outage');
    let down = false;
    try {
      const before = await midBackfill(api, url);
      expect(await lastRoundFailedGauge(metricsPort)).toBe(0);
      down = true;
      const crashedAt = Date.now();
      await postgres.crash();
      const worker = api.app.get(LedgerWorker);
      const reason = await eventually('a failed round', async () => worker.lastRoundError ?? undefined);
      expect(reason).toMatch(/User database unavailable/);
      expect(reason).not.toContain(new URL(url).password);
      // The status lives in the database too: 503 while it is away, the failure still on the metrics port.
      expect((await api.get('/api/ledger')).status).toBe(503);
      expect(await lastRoundFailedGauge(metricsPort)).toBe(1);
      await sleep(OUTAGE_MS);
      await postgres.resume();
      down = false;
      const status = await recovered(api);
      const doneAt = Date.now();
      expect(worker.lastRoundError).toBeNull();
      expect(await lastRoundFailedGauge(metricsPort)).toBe(0);
      const { retryDelaysS, recoveries } = roundLog(logs);
      // Retried with a delay doubling from 1 s, and said so once it rolled again.
      expect(retryDelaysS.length).toBeGreaterThanOrEqual(2);
      expect(retryDelaysS).toEqual(retryDelaysS.map((_, i) => 2 ** i));
      expect(recoveries).toBe(1);
      await expectWholeLedger(api, url, status);
      summary.push(outageLine('PostgreSQL', before, status, reason, retryDelaysS, doneAt - crashedAt));
    } finally {
      if (down) await postgres.resume();
      await api.close();
    }
  });

  it('should retry through an InfluxDB crash mid-backfill, say why in its status, then hold every hour once and the live figures', async () => {
    const { api, url, logs } = await startLedgerApi('ledger_influx_outage');
    let down = false;
    try {
      const before = await midBackfill(api, url);
      down = true;
      const crashedAt = Date.now();
      await influx.kill();
      const failed = await eventually('a status with the failure', async () => {
        const res = await api.get<Status>('/api/ledger');
        return res.status === 200 && res.body.lastError ? res.body : undefined;
      });
      expect(failed.lastError).toMatch(/InfluxDB/);
      expect(failed.backfill.done).toBe(false);
      await sleep(OUTAGE_MS);
      await influx.restart();
      down = false;
      const status = await recovered(api);
      const doneAt = Date.now();
      const { retryDelaysS, recoveries } = roundLog(logs);
      expect(retryDelaysS.length).toBeGreaterThanOrEqual(2);
      expect(retryDelaysS).toEqual(retryDelaysS.map((_, i) => 2 ** i));
      expect(recoveries).toBe(1);
      await expectWholeLedger(api, url, status);
      summary.push(outageLine('InfluxDB', before, status, failed.lastError ?? '', retryDelaysS, doneAt - crashedAt));
    } finally {
      if (down) await influx.restart();
      await api.close();
    }
  });
});

function outageLine(what: string, before: { rolled: number }, after: Status, reason: string, retryDelaysS: number[], recoveredInMs: number): string {
  return (
    `${what} killed with ${before.rolled}/${DATA_HOURS.length} hours of data rolled: lastError "${reason.slice(0, 80)}", retried after ${retryDelaysS.join(', ')} s; ` +
    `done ${(recoveredInMs / 1000).toFixed(1)} s after the kill, ${after.backfill.hours} hours, ${after.podHours} pod-hours`
  );
}

/** A namespace's usage the database never received: the sum over its pods'. */
function namespaceLosses(pods: ReadonlyMap<string, LostUsage>): Map<string, LostUsage> {
  const out = new Map<string, LostUsage>();
  for (const [pod, lost] of pods) {
    const ns = pod.split('/')[0] ?? '';
    const sum = out.get(ns) ?? {};
    for (const [f, v] of Object.entries(lost) as [keyof LostUsage, number][]) sum[f] = (sum[f] ?? 0) + v;
    out.set(ns, sum);
  }
  return out;
}
