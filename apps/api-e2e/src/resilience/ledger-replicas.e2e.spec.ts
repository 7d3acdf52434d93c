/**
 * Two API processes (the built API) with the usage ledger on, one PostgreSQL, one InfluxDB holding a
 * simulated cluster: while they backfill, PostgreSQL's lock table shows at most one of them holding
 * the ledger's roll lock at any time; together they roll every hour once, the same pods per hour as
 * a single process; either one's reports equal the live ones. The process holding the lock is
 * killed (SIGKILL) mid-backfill: its session ends, the other takes over and finishes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { LoadedScenario, loadScenario, SHORT_CHURN } from '@kube-monitoring/scenarios';
import { InfluxHandle, noteSecret, PostgresHandle, startInfluxDb, startPostgres } from '@kube-monitoring/testing';

import type { components } from '../generated/api-schema';
import { ApiProcess, startApi } from '../support/api-process';
import { e2eEnv, serviceHeaders } from '../support/e2e-env';
import { UNLIMITED_HEAVY_REQUESTS } from '../support/resilience';
import { ownerOfConnection } from '../support/tcp-owner';

type LedgerStatus = components['schemas']['LedgerStatusDto'];
type UsageReport = components['schemas']['UsageReportDto'];

jest.setTimeout(180_000);

const HOUR = 3_600_000;
const scenario = SHORT_CHURN;
const DATA_HOURS = (Date.parse(scenario.dataTo) - Date.parse(scenario.dataFrom)) / HOUR;
/** The ledger's roll lock (`pg_try_advisory_lock(0x6b6d6c72)`): a bigint key shows as classid (high half), objid (low half), objsubid 1. */
const ROLL_LOCK_KEY = 0x6b6d6c72;
const HOLDERS_SQL = `SELECT l.pid, a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = ${ROLL_LOCK_KEY} AND l.objsubid = 1 AND l.granted
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function ledgerStatus(api: ApiProcess): Promise<LedgerStatus> {
  const res = await fetch(`${api.url}/api/ledger`, { headers: serviceHeaders() });
  if (res.status !== 200) throw new Error(`GET /api/ledger: ${res.status}`);
  return (await res.json()) as LedgerStatus;
}

/** Every hour rolled, and the round that rolled the last ended without an error. */
function finished(api: ApiProcess): Promise<LedgerStatus> {
  return eventually(`the backfill of the API on port ${api.port}`, async () => {
    const s = await ledgerStatus(api);
    return s.backfill.done && s.lastError === null ? s : undefined;
  });
}

async function usage(api: ApiProcess, groupBy: 'pod' | 'namespace'): Promise<UsageReport> {
  const res = await fetch(`${api.url}/api/usage`, {
    method: 'POST',
    headers: { ...serviceHeaders(), 'content-type': 'application/json' },
    body: JSON.stringify({ from: scenario.from, to: scenario.to, groupBy, includeSystem: true }),
  });
  if (res.status !== 200) throw new Error(`POST /api/usage: ${res.status} ${await res.text()}`);
  return (await res.json()) as UsageReport;
}

/** Figures of two reports that differ: usage within 1e-6, every other figure exactly. */
function differences(actual: UsageReport, expected: UsageReport): string[] {
  const key = (r: UsageReport['rows'][number]) => `${r.namespace_name}/${r.pod_name ?? ''}`;
  const want = new Map(expected.rows.map((r) => [key(r), r as unknown as Record<string, unknown>]));
  const out: string[] = actual.rows.length === expected.rows.length ? [] : [`rows: ${actual.rows.length} vs ${expected.rows.length}`];
  const compare = (what: string, a: Record<string, unknown>, b: Record<string, unknown> | undefined) => {
    if (!b) return void out.push(`${what}: not in the live report`);
    for (const [field, value] of Object.entries(a)) {
      const other = b[field];
      const usageFigure = field.endsWith('_hours') || field.endsWith('_average');
      const same = typeof value === 'number' && typeof other === 'number' && usageFigure ? Math.abs(value - other) <= 1e-6 : value === other;
      if (!same) out.push(`${what} ${field}: ${String(value)} vs ${String(other)}`);
    }
  };
  for (const r of actual.rows) compare(key(r), r as unknown as Record<string, unknown>, want.get(key(r)));
  compare('totals', actual.totals as unknown as Record<string, unknown>, expected.totals as unknown as Record<string, unknown>);
  return out;
}

/** Who holds the roll lock, sampled every ~100 ms from PostgreSQL's lock table. */
class LockWatch {
  readonly samples: { at: number; holders: (number | undefined)[] }[] = [];
  private stopped = false;
  private readonly running: Promise<void>;

  constructor(
    private readonly client: Client,
    private readonly pgPort: number,
    private readonly apis: readonly ApiProcess[],
  ) {
    this.running = this.loop();
  }

  /** The API processes (their pids) holding the lock now; undefined for a session of no live API. */
  async holders(): Promise<(number | undefined)[]> {
    const rows = (await this.client.query(HOLDERS_SQL)).rows as { client_port: number }[];
    const pids = this.apis.map((a) => a.child.pid as number);
    return rows.map((r) => ownerOfConnection(r.client_port, this.pgPort, pids));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** The samples from `since` on: how many, how many with a holder, the most holders at once, per holder. */
  tally(since = 0): { samples: number; held: number; most: number; by: Map<number | undefined, number> } {
    const picked = this.samples.filter((s) => s.at >= since);
    const by = new Map<number | undefined, number>();
    for (const s of picked) for (const h of s.holders) by.set(h, (by.get(h) ?? 0) + 1);
    return { samples: picked.length, held: picked.filter((s) => s.holders.length > 0).length, most: Math.max(0, ...picked.map((s) => s.holders.length)), by };
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const at = Date.now();
      this.samples.push({ at, holders: await this.holders() });
      await sleep(Math.max(0, 100 - (Date.now() - at)));
    }
  }
}

/** What the ledger's tables hold. */
async function tables(client: Client): Promise<{ hours: number; distinct: number; podHours: number; podsByHour: Record<string, number> }> {
  const [summary] = (await client.query(`SELECT COUNT(*) AS hours, COUNT(DISTINCT "hour_start") AS distinct_hours, COALESCE(SUM("pods"), 0) AS pod_hours FROM "ledger_hours"`))
    .rows as Record<string, string>[];
  const pods = (await client.query(`SELECT "hour_start", "pods" FROM "ledger_hours" WHERE "pods" > 0 ORDER BY "hour_start"`)).rows as { hour_start: string; pods: number }[];
  return {
    hours: Number(summary?.['hours']),
    distinct: Number(summary?.['distinct_hours']),
    podHours: Number(summary?.['pod_hours']),
    podsByHour: Object.fromEntries(pods.map((r) => [new Date(Number(r.hour_start)).toISOString(), r.pods])),
  };
}

/** One line per case, printed at the end (the evidence). */
const summary: string[] = [];

describe('Usage ledger on two API replicas (processes, one PostgreSQL)', () => {
  let postgres: PostgresHandle;
  let influx: InfluxHandle;
  let loaded: LoadedScenario;
  let live: ApiProcess;
  let liveReports: Record<'pod' | 'namespace', UsageReport>;
  /** A single process's ledger of the same data: hours, pod-hours and pods per hour. */
  let reference: Awaited<ReturnType<typeof tables>>;
  /** When the reference was taken: a later backfill reaches as many more (empty) hours as have ended since. */
  let referenceAtMs: number;
  /** A ledger of the same data rolled later: the reference's hours plus the empty hours ended since, pods alike. */
  const expectSameLedger = (got: { hours: number; hoursDone?: number; distinct?: number; podHours: number; podsByHour?: Record<string, number> }) => {
    const grown = Math.floor(Date.now() / 3_600_000) - Math.floor(referenceAtMs / 3_600_000);
    expect(got.hours).toBeGreaterThanOrEqual(reference.hours);
    expect(got.hours).toBeLessThanOrEqual(reference.hours + grown);
    if (got.hoursDone !== undefined) expect(got.hoursDone).toBe(got.hours);
    if (got.distinct !== undefined) expect(got.distinct).toBe(got.hours);
    expect(got.podHours).toBe(reference.podHours);
    if (got.podsByHour !== undefined) expect(got.podsByHour).toEqual(reference.podsByHour);
  };
  const started: ApiProcess[] = [];
  const clients: Client[] = [];

  const env = (extra: Record<string, string>): Record<string, string> => ({
    INFLUXDB_HOST: '127.0.0.1',
    INFLUXDB_PORT: String(influx.port),
    INFLUXDB_DB: loaded.database,
    INFLUXDB_TIMEOUT_MS: '60000',
    API_USERNAME: e2eEnv.username,
    API_PASSWORD: e2eEnv.password,
    ...UNLIMITED_HEAVY_REQUESTS,
    ...extra,
  });

  /** A database of its own, a client on it, and `replicas` API processes rolling into it. */
  async function replicas(database: string, count: number): Promise<{ apis: ApiProcess[]; client: Client }> {
    const url = await postgres.createDatabase(database);
    noteSecret(new URL(url).password);
    const ledgerEnv = env({ DATABASE_URL: url, LEDGER_ENABLED: 'true', LEDGER_POLL_INTERVAL: '1s', LEDGER_BACKFILL_FROM: scenario.dataFrom });
    const apis = await Promise.all(Array.from({ length: count }, () => startApi(ledgerEnv)));
    started.push(...apis);
    const client = new Client({ connectionString: url });
    await client.connect();
    clients.push(client);
    return { apis, client };
  }

  async function expectLiveFigures(api: ApiProcess): Promise<void> {
    for (const groupBy of ['pod', 'namespace'] as const) {
      const report = await usage(api, groupBy);
      expect(report.sources.map((s) => s.source)).toEqual(['live', 'ledger', 'live']);
      expect({ port: api.port, groupBy, differences: differences(report, liveReports[groupBy]) }).toEqual({ port: api.port, groupBy, differences: [] });
    }
  }

  beforeAll(async () => {
    [postgres, influx] = await Promise.all([startPostgres(), startInfluxDb()]);
    loaded = await loadScenario(influx.url, scenario, { database: 'ledger_replicas' });
    live = await startApi(env({ SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'km-ledger-live-')), 'users.sqlite') }));
    started.push(live);
    liveReports = { pod: await usage(live, 'pod'), namespace: await usage(live, 'namespace') };
    expect(liveReports.pod.sources).toEqual([{ from: liveReports.pod.from, to: liveReports.pod.to, source: 'live' }]);
    expect(liveReports.pod.rows.length).toBeGreaterThan(20);

    const started0 = Date.now();
    const { apis, client } = await replicas('ledger_single', 1);
    const single = apis[0] as ApiProcess;
    const status = await finished(single);
    reference = await tables(client);
    referenceAtMs = Date.now();
    expect(reference.hours).toBe(status.backfill.hours);
    summary.push(
      `one process: ${status.backfill.hours} hours (${Object.keys(reference.podsByHour).length} with pods), ${reference.podHours} pod-hours in ${((Date.now() - started0) / 1000).toFixed(1)} s`,
    );
    await single.stop();
  });

  afterAll(async () => {
    if (summary.length > 0) process.stdout.write(`\n${summary.join('\n')}\n`);
    for (const c of clients) await c.end().catch(() => undefined);
    for (const a of started) await a.stop();
    await influx?.stop();
    await postgres?.stop();
  });

  it('should roll one replica at a time, every hour once, and answer the live figures from either', async () => {
    const startedAt = Date.now();
    const { apis, client } = await replicas('ledger_two', 2);
    const [a, b] = apis as [ApiProcess, ApiProcess];
    const watch = new LockWatch(client, postgres.port, apis);
    let statuses: LedgerStatus[];
    try {
      statuses = await Promise.all(apis.map(finished));
    } finally {
      await watch.stop();
    }
    const seconds = (Date.now() - startedAt) / 1000;
    const t = watch.tally();
    // Never two holders; a holder seen many times (a backfill of some seconds, sampled every 100 ms).
    expect(t.most).toBe(1);
    expect(t.held).toBeGreaterThan(5);
    expect(t.by.get(undefined)).toBeUndefined();

    for (const s of statuses) expectSameLedger({ hours: s.backfill.hours, hoursDone: s.backfill.hoursDone, podHours: s.podHours });
    expectSameLedger(await tables(client));
    await expectLiveFigures(a);
    await expectLiveFigures(b);
    summary.push(
      `two processes: done in ${seconds.toFixed(1)} s; ${t.samples} lock samples, ${t.held} with a holder, at most ${t.most} at once ` +
        `(A held ${t.by.get(a.child.pid) ?? 0}, B held ${t.by.get(b.child.pid) ?? 0})`,
    );
  });

  it('should carry on in the other replica when the one holding the lock is killed mid-backfill', async () => {
    const { apis, client } = await replicas('ledger_kill', 2);
    const watch = new LockWatch(client, postgres.port, apis);
    let killedAt = 0;
    let victim: ApiProcess | undefined;
    let rolledAtKill = 0;
    let status: LedgerStatus;
    try {
      // A few hours with data rolled, most still to do, and a replica holding the lock this moment.
      [victim, rolledAtKill] = await eventually('a replica rolling mid-backfill', async () => {
        const rolled = Object.keys((await tables(client)).podsByHour).length;
        if (rolled < 3) return undefined;
        const [holder] = await watch.holders();
        const api = apis.find((x) => x.child.pid === holder);
        return api ? ([api, rolled] as const) : undefined;
      });
      killedAt = Date.now();
      expect(await victim.stop('SIGKILL')).toBeNull();
      expect(rolledAtKill).toBeLessThan(DATA_HOURS);
      const survivor = apis.find((x) => x !== victim) as ApiProcess;
      status = await finished(survivor);
      await expectLiveFigures(survivor);
      // The dead process's session ended with it (within a second), and the survivor took the lock.
      const after = watch.tally(killedAt + 1000);
      expect(after.by.get(survivor.child.pid)).toBeGreaterThan(0);
      expect([...after.by.keys()]).toEqual([survivor.child.pid]);
      summary.push(
        `kill: SIGKILL to the holder with ${rolledAtKill}/${DATA_HOURS} hours of data rolled; the other finished ${((Date.now() - killedAt) / 1000).toFixed(1)} s later ` +
          `(held the lock in ${after.held} of ${after.samples} samples after the kill)`,
      );
    } finally {
      await watch.stop();
    }
    const t = watch.tally();
    expect(t.most).toBe(1);
    expectSameLedger({ hours: status.backfill.hours, podHours: status.podHours });
    expectSameLedger(await tables(client));
  });
});
