/**
 * The usage ledger through the whole API on a real InfluxDB and a SQLite file: it backfills a
 * simulated cluster, answers reports from rolled hours, keeps answering them byte for byte once the
 * raw samples are gone (retention), re-rolls hours whose samples changed after they were rolled, and
 * validates re-roll requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { UsageReport } from '@kube-monitoring/contract';
import { LoadedScenario, loadScenario, SCENARIOS } from '@kube-monitoring/scenarios';
import { InfluxHandle, startInfluxDb } from '@kube-monitoring/testing';

import { LedgerStore } from '../../../api/src/database/ledger/ledger-store';
import { LedgerNodeStore } from '../../../api/src/database/ledger/node-hours-store';
import { ApiUnderTest, startApi, waitForLedger } from '../accuracy/support/api-under-test';

jest.setTimeout(300_000);

const HOUR = 3_600_000;
const scenario = SCENARIOS.find((s) => s.name === 'churn') ?? SCENARIOS[0];
if (!scenario) throw new Error('no scenario');
/** Whole hours inside the data, and a period with edges inside hours. */
const WHOLE = { from: '2024-03-20T02:00:00Z', to: '2024-03-20T20:00:00Z' };
const ODD = { from: scenario.from, to: scenario.to };

async function influxQuery(url: string, database: string, q: string): Promise<void> {
  const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ db: database, q }) });
  if (!res.ok) throw new Error(`InfluxDB ${q}: ${res.status} ${await res.text()}`);
}

async function influxMeasurements(url: string, database: string): Promise<string[]> {
  const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ db: database, q: 'SHOW MEASUREMENTS' }) });
  const body = (await res.json()) as { results: { series?: { values: [string][] }[] }[] };
  return (body.results[0]?.series?.[0]?.values ?? []).map(([name]) => name);
}

async function influxShards(url: string, database: string): Promise<number[]> {
  const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q: 'SHOW SHARDS' }) });
  const body = (await res.json()) as { results: { series?: { name: string; columns: string[]; values: unknown[][] }[] }[] };
  const ours = body.results[0]?.series?.find((s) => s.name === database);
  return (ours?.values ?? []).map((row) => Number(row[ours?.columns.indexOf('id') ?? 0]));
}

async function influxWrite(url: string, database: string, lines: string[]): Promise<void> {
  const res = await fetch(`${url}/write?db=${database}&precision=ms`, { method: 'POST', body: lines.join('\n') });
  if (res.status !== 204) throw new Error(`InfluxDB write: ${res.status} ${await res.text()}`);
}

/** What a report computed: without where it came from and when it was made. */
function figuresOnly(report: UsageReport): Partial<UsageReport> {
  const out: Partial<UsageReport> = { ...report };
  delete out.sources;
  delete out.generated_at;
  return out;
}

/** A report without the instant it was made: what must not change. */
function stable(text: string): string {
  return text.replace(/"generated_at":"[^"]*"/, '"generated_at":""');
}

describe('Usage ledger (API, InfluxDB, SQLite)', () => {
  let influx: InfluxHandle;
  let loaded: LoadedScenario;
  let dir: string;
  let api: ApiUnderTest;
  const ledgerEnv = (): Record<string, string> => ({
    LEDGER_ENABLED: 'true',
    LEDGER_POLL_INTERVAL: '1s',
    // The data is from 2024: every rolled hour is "recent" enough to be checked for late samples.
    LEDGER_RECHECK: '5000d',
    LEDGER_BACKFILL_FROM: scenario.dataFrom,
    SQLITE_PATH: join(dir, 'ledger.sqlite'),
  });

  beforeAll(async () => {
    influx = await startInfluxDb();
    loaded = await loadScenario(influx.url, scenario, { database: 'ledger_api' });
    dir = mkdtempSync(join(tmpdir(), 'km-ledger-api-'));
    api = await startApi(influx.url, loaded.database, ledgerEnv());
    await waitForLedger(api);
  });

  afterAll(async () => {
    await api?.close();
    await influx?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should answer its status with exactly the documented fields', async () => {
    const res = await api.get<Record<string, unknown>>('/api/ledger');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['backfill', 'lagSeconds', 'lastError', 'lateData', 'podHours', 'rolledThrough']);
    const body = res.body as { backfill: Record<string, unknown>; rolledThrough: string; lagSeconds: number; podHours: number; lastError: null };
    expect(Object.keys(body.backfill).sort()).toEqual(['done', 'from', 'hours', 'hoursDone']);
    expect(body.backfill).toMatchObject({ from: new Date(Date.parse(scenario.dataFrom)).toISOString(), done: true });
    expect(body.backfill['hoursDone']).toBe(body.backfill['hours']);
    expect(body.lastError).toBeNull();
    expect(body.podHours).toBeGreaterThan(100);
    // Rolled through the newest settled hour: nothing to catch up.
    expect(body.lagSeconds).toBe(0);
    expect(Date.parse(body.rolledThrough)).toBeGreaterThan(Date.parse(scenario.dataTo));
  });

  it('should need the service credentials or an admin token', async () => {
    const anonymous = await api.app.inject({ method: 'GET', url: '/api/ledger' });
    expect(anonymous.statusCode).toBe(401);
    const badToken = await api.app.inject({ method: 'GET', url: '/api/ledger', headers: { authorization: 'Bearer nonsense' } });
    expect(badToken.statusCode).toBe(401);
  });

  it('should give the live figures from the ledger, and say which spans came from where', async () => {
    const live = await startApi(influx.url, loaded.database, { LEDGER_ENABLED: 'false' });
    try {
      for (const period of [WHOLE, ODD]) {
        for (const groupBy of ['pod', 'namespace']) {
          const body = { ...period, groupBy, includeSystem: true };
          const [fromLedger, fromSamples] = await Promise.all([api.post<UsageReport>('/api/usage', body), live.post<UsageReport>('/api/usage', body)]);
          expect(fromLedger.status).toBe(200);
          expect(fromSamples.body.sources).toEqual([{ from: fromSamples.body.from, to: fromSamples.body.to, source: 'live' }]);
          const sources = fromLedger.body.sources;
          const ledgerRest = figuresOnly(fromLedger.body);
          const liveRest = figuresOnly(fromSamples.body);
          // Rounded to six decimals, the figures agree (usage to 1e-9 relative, peaks and coverage exactly).
          expect(JSON.parse(JSON.stringify(ledgerRest, (_k, v) => (typeof v === 'number' ? Number(v.toFixed(5)) : v)))).toEqual(
            JSON.parse(JSON.stringify(liveRest, (_k, v) => (typeof v === 'number' ? Number(v.toFixed(5)) : v))),
          );
          if (period === WHOLE) expect(sources).toEqual([{ from: '2024-03-20T02:00:00.000Z', to: '2024-03-20T20:00:00.000Z', source: 'ledger' }]);
          else expect(sources.map((s) => s.source)).toEqual(['live', 'ledger', 'live']);
        }
      }
    } finally {
      await live.close();
    }
  });

  it('should refuse bad re-roll ranges naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ to: '2024-03-21' }, 'from: is required'],
      [{ from: '2024-03-21', to: 'yesterday' }, 'to:'],
      [{ from: '2024-03-21', to: '2024-03-20' }, 'to: must be later than from'],
      [{ from: '2023-01-01', to: '2024-03-21' }, 'to: the period may cover at most 366 days'],
      [{ from: new Date(Date.now() - HOUR).toISOString(), to: new Date(Date.now() + HOUR).toISOString() }, 'to: the hours after'],
      [{ from: '2024-03-20', to: '2024-03-21', extra: 1 }, 'extra'],
    ];
    for (const [body, message] of cases) {
      const res = await api.post<{ code: number; message: string }>('/api/ledger/reroll', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.message).toContain(message);
    }
  });

  it('should roll again an hour whose samples changed after it was rolled, by itself', async () => {
    const hour = Date.parse('2024-03-20T10:00:00Z');
    const period = { from: new Date(hour).toISOString(), to: new Date(hour + HOUR).toISOString(), groupBy: 'pod', namespaces: ['late-arrivals'] };
    const before = await api.post<UsageReport>('/api/usage', period);
    expect(before.body.rows).toEqual([]);
    // A collector backlog lands: one GiB for the whole hour, in a namespace nobody saw before.
    const lines = Array.from({ length: 60 }, (_, i) => `memory/usage,namespace_name=late-arrivals,pod_name=backlog-0,type=pod value=1073741824i ${hour + (i + 1) * 60_000}`);
    await influxWrite(influx.url, loaded.database, lines);
    const deadline = Date.now() + 60_000;
    let rows: UsageReport['rows'] = [];
    while (Date.now() < deadline && rows.length === 0) {
      await new Promise((r) => setTimeout(r, 500));
      rows = (await api.post<UsageReport>('/api/usage', period)).body.rows;
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]?.memory_gib_hours).toBeCloseTo(1, 6);
    const after = await api.post<UsageReport>('/api/usage', period);
    expect(after.body.sources).toEqual([{ from: period.from, to: period.to, source: 'ledger' }]);
  });

  it('should accept a re-roll of settled hours and roll them again', async () => {
    const asked = Date.now();
    const res = await api.post<{ hours: number; from: string; to: string }>('/api/ledger/reroll', { from: '2024-03-20T05:30:00Z', to: '2024-03-20T08:00:00Z' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ hours: 3, from: '2024-03-20T05:00:00.000Z', to: '2024-03-20T08:00:00.000Z' });
    // The worker takes them at once (a re-roll wakes it) and clears their flag as it writes each.
    const store = api.app.get(LedgerStore);
    const deadline = Date.now() + 60_000;
    while ((await store.staleHours(10)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await store.staleHours(10)).toEqual([]);
    const records = await store.hourRecords(Date.parse('2024-03-20T05:00:00Z'), Date.parse('2024-03-20T08:00:00Z'));
    expect(records.map((r) => r.stale)).toEqual([false, false, false]);
    expect(Math.min(...records.map((r) => r.rolledAt.getTime()))).toBeGreaterThanOrEqual(asked - 1000);
  });

  it('should keep what each node offered per hour (allocatable CPU and memory) when it rolls an hour', async () => {
    const hour = Date.parse('2024-03-20T12:00:00Z');
    // Node series written the Heapster way, for a node of its own (the dataset's nodes have theirs); a minute lost at 12:30 is bridged.
    const minutes = Array.from({ length: 66 }, (_, i) => i - 2).filter((m) => m !== 30);
    const lines = minutes.flatMap((m) => [
      `cpu/node_allocatable,nodename=node-offered,type=node value=3800 ${hour + m * 60_000}`,
      `memory/node_allocatable,nodename=node-offered,type=node value=16000000000 ${hour + m * 60_000}`,
    ]);
    await influxWrite(influx.url, loaded.database, lines);
    const res = await api.post<{ hours: number }>('/api/ledger/reroll', { from: new Date(hour).toISOString(), to: new Date(hour + HOUR).toISOString() });
    expect(res.status).toBe(202);
    const store = api.app.get(LedgerStore);
    const deadline = Date.now() + 60_000;
    while ((await store.staleHours(10)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const nodes = (await api.app.get(LedgerNodeStore).nodeHours(hour, hour + HOUR)).filter((n) => n.node === 'node-offered');
    expect(nodes).toEqual([
      { hourMs: hour, node: 'node-offered', cpu: { integral: 3800 * 3600, coveredMs: HOUR, max: 3800 }, memory: { integral: 16e9 * 3600, coveredMs: HOUR, max: 16e9 } },
    ]);
  });

  it('should give the same reports byte for byte once the raw samples are gone and the API restarted', async () => {
    const namespaces = (await api.post<UsageReport>('/api/usage', { ...WHOLE })).body.rows.map((r) => r.namespace_name).slice(0, 2);
    expect(namespaces).toHaveLength(2);
    const bodies = [
      { ...WHOLE, groupBy: 'pod', includeSystem: true },
      { ...WHOLE, groupBy: 'namespace' },
      { from: '2024-03-20T00:00:00Z', to: '2024-03-21T00:00:00Z', groupBy: 'namespace', namespaces },
    ];
    const before = await Promise.all(bodies.map((b) => api.post<UsageReport>('/api/usage', b)));
    for (const r of before) expect(r.status).toBe(200);
    // Retention: the database's shards dropped, as InfluxDB's retention does, and with them every raw
    // sample, measurement and field (nothing tells the API any more that requests or GPU resources were stored).
    const measurements = await influxMeasurements(influx.url, loaded.database);
    expect(measurements).toEqual(expect.arrayContaining(['cpu/request', 'memory/request', 'nvidia.com/gpu/request']));
    for (const id of await influxShards(influx.url, loaded.database)) await influxQuery(influx.url, loaded.database, `DROP SHARD ${id}`);
    expect(await influxMeasurements(influx.url, loaded.database)).toEqual([]);
    await api.close();
    api = await startApi(influx.url, loaded.database, ledgerEnv());
    const after = await Promise.all(bodies.map((b) => api.post<UsageReport>('/api/usage', b)));
    after.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(stable(r.text)).toBe(stable(before[i]?.text ?? ''));
    });
    expect((before[0]?.body.rows.length ?? 0) > 10).toBe(true);
  });
});
