/**
 * InfluxDB failing while aggregations and usage reports over a rate with a counter twin are in flight
 * (cpu/usage_rate, whose usage comes from cpu/usage, which Heapster always writes): an InfluxDB error
 * of one request must never end the API. A time InfluxDB cannot represent is refused before it is
 * asked; a paused, killed or stopped InfluxDB gives every request an answer (503/504, never a dropped
 * connection), and the same process answers 200 once InfluxDB is back.
 */
import { expectedCpuUsage, FIXTURE_PODS, FIXTURE_START, SAMPLES, STEP_S } from '../fixtures/cluster-fixture';
import { e2eEnv, serviceHeaders } from '../support/e2e-env';
import { Answer, InfluxHandle, login, OwnApi, send, startOwnApi, startSeededInflux, UNLIMITED_HEAVY_REQUESTS, VIEWER } from '../support/resilience';

const INFLUX_TIMEOUT_MS = 2000;
/** An answer later than this is a hang. */
const DEADLINE_MS = INFLUX_TIMEOUT_MS * 4 + 5000;
const HOUR_MS = 3_600_000;
/** The counter twin says 10 % more than the rate: an aggregation whose usage shows it read the twin. */
const TWIN_FACTOR = 1.1;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Heapster's cumulative CPU counter (ns of CPU time) for every fixture pod with a pod-level series. */
function cpuCounterLines(): string[] {
  const lines: string[] = [];
  for (const p of FIXTURE_PODS.filter((x) => x.podSeries)) {
    const mcores = p.containers.reduce((a, c) => a + c.cpu, 0);
    for (let i = 1; i <= Math.min(p.samples, SAMPLES); i++) {
      const ns = Math.round(mcores * 1e6 * STEP_S * i * TWIN_FACTOR);
      const tags = `cluster_name=default,namespace_name=${p.namespace},nodename=${p.node},pod_name=${p.pod},type=pod`;
      lines.push(`cpu/usage,${tags} value=${ns}i ${(FIXTURE_START + i * STEP_S * 1000) / 1000}`);
    }
  }
  return lines;
}

interface Sent {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

describe('InfluxDB failing under aggregations and reports over a counter twin', () => {
  let influx: InfluxHandle;
  let api: OwnApi;
  let token: string;
  /** Every request asks for a period of its own, so none is answered from the settled-period cache. */
  let n = 0;

  beforeAll(async () => {
    influx = await startSeededInflux();
    const w = await fetch(`${influx.url}/write?db=${e2eEnv.database}&precision=s`, { method: 'POST', body: cpuCounterLines().join('\n') });
    expect(w.status).toBe(204);
    api = await startOwnApi(influx.port, { INFLUXDB_TIMEOUT_MS: String(INFLUX_TIMEOUT_MS), ...UNLIMITED_HEAVY_REQUESTS });
    token = await login(api.url, VIEWER);
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    influx?.resume();
    await influx?.stop();
  });

  const service = () => ({ ...serviceHeaders(), 'content-type': 'application/json' });
  const bearer = () => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

  /** Aggregations of cpu/usage_rate and usage reports, on both mounts. */
  function requests(): Sent[] {
    const i = n++;
    const window = { timeBeginInterval: new Date(FIXTURE_START + i).toISOString(), timeEndInterval: new Date(FIXTURE_START + i + 2 * HOUR_MS).toISOString() };
    const period = { from: window.timeBeginInterval, to: window.timeEndInterval };
    const agg = (name: string, mount: string, headers: Record<string, string>, body: object): Sent => ({
      name,
      path: `/api${mount}/cpu/usage_rate`,
      headers,
      body: JSON.stringify({ ...window, ...body }),
    });
    return [
      agg('all-namespace', '', service(), { agg: 'all-namespace' }),
      agg('all-pod', '', service(), { agg: 'all-pod' }),
      agg('pod-by-namespace', '', service(), { agg: 'pod-by-namespace', namespace: 'default' }),
      agg('ui all-namespace', '/ui', bearer(), { agg: 'all-namespace' }),
      agg('ui pod-by-namespace', '/ui', bearer(), { agg: 'pod-by-namespace', namespace: 'cluster-3' }),
      { name: 'usage', path: '/api/usage', headers: service(), body: JSON.stringify({ ...period, groupBy: 'pod' }) },
      { name: 'usage csv', path: '/api/usage', headers: { ...service(), accept: 'text/csv' }, body: JSON.stringify(period) },
      { name: 'ui usage', path: '/api/ui/usage', headers: bearer(), body: JSON.stringify(period) },
    ];
  }

  const post = (r: Sent) => send(api.url, { method: 'POST', ...r }, DEADLINE_MS);
  const describeAnswer = (r: Sent, a: Answer) => `${r.name}: ${a.status || a.error} ${a.text.slice(0, 160)}`;

  async function expectAlive(): Promise<void> {
    expect(api.child.exitCode).toBeNull();
    expect((await send(api.url, { method: 'GET', path: '/api/health' }, DEADLINE_MS)).status).toBe(200);
    // Nothing reached the process's safety net: every failure was handled where it happened.
    expect(api.output()).not.toContain('unhandled promise rejection');
  }

  /** InfluxDB answers through the API again (the first calls after a restart may still meet closed sockets). */
  async function waitForInflux(): Promise<void> {
    const until = Date.now() + 10_000;
    let last: Answer | undefined;
    while (Date.now() < until) {
      last = await post(requests()[0] as Sent);
      if (last.status === 200) return;
      await sleep(200);
    }
    throw new Error(`no 200 within 10 s of InfluxDB's restart; last answer ${last?.status} ${last?.text.slice(0, 200)}`);
  }

  async function expect200s(): Promise<void> {
    const batch = requests();
    const answers = await Promise.all(batch.map(post));
    expect(answers.map((a, i) => [batch[i]?.name, a.status])).toEqual(batch.map((r) => [r.name, 200]));
  }

  /** Requests sent while InfluxDB is paused (they hang in InfluxDB), then `fault()` while they wait. */
  async function inFlightThrough(fault: () => Promise<void>): Promise<{ sent: Sent[]; answers: Answer[] }> {
    influx.pause();
    const sent = [...requests(), ...requests()];
    const answering = Promise.all(sent.map(post));
    await sleep(INFLUX_TIMEOUT_MS / 3);
    await fault();
    return { sent, answers: await answering };
  }

  it('should aggregate cpu/usage_rate from its counter twin (the path that ended the process)', async () => {
    const r = await post({
      name: 'all-pod',
      path: '/api/cpu/usage_rate',
      headers: service(),
      body: JSON.stringify({ agg: 'all-pod', timeBeginInterval: '2017-12-01', timeEndInterval: '2017-12-02' }),
    });
    expect(r.status).toBe(200);
    const web = (JSON.parse(r.text) as { namespace_name: string; pod_name: string; usage: number }[]).find((x) => x.namespace_name === 'cluster-3' && x.pod_name === 'web-1');
    expect(web?.usage).toBeGreaterThan(expectedCpuUsage('cluster-3', 'web-1') * 1.05);
  });

  it('should answer 400 naming the field to a period starting in year 1, and live on', async () => {
    const body = JSON.stringify({ agg: 'all-namespace', timeBeginInterval: '0001-01-01', timeEndInterval: '2026-12-03' });
    for (const [path, headers] of [
      ['/api/ui/cpu/usage_rate', bearer()],
      ['/api/cpu/usage_rate', service()],
    ] as const) {
      const a = await post({ name: path, path, headers, body });
      expect(a.error).toBeUndefined();
      expect(a.status).toBe(400);
      expect(JSON.parse(a.text)).toEqual({ code: 400, message: expect.stringMatching(/^timeBeginInterval: must be between 1970-01-01T00:00:00Z and 2262-01-01T00:00:00Z/) });
    }
    const report = await post({ name: 'usage', path: '/api/usage', headers: service(), body: JSON.stringify({ from: '2017-12-01', to: '9999-12-31' }) });
    expect(report.status).toBe(400);
    expect(JSON.parse(report.text)).toMatchObject({ message: expect.stringMatching(/^to: must be between 1970/) });
    await expectAlive();
    await expect200s();
  }, 30_000);

  it('should answer every request 503 or 504 when InfluxDB is killed under them, live on, and answer 200 once it is back', async () => {
    await expect200s();
    const { sent, answers } = await inFlightThrough(() => influx.kill());
    expect(answers.filter((a) => a.error || ![503, 504].includes(a.status)).map((a, i) => describeAnswer(sent[i] as Sent, a))).toEqual([]);
    for (const a of answers) expect(JSON.parse(a.text)).toEqual({ code: a.status, message: expect.any(String) });
    // And while it is down.
    const down = await Promise.all(requests().map(post));
    expect(down.map((a) => a.status)).toEqual(down.map(() => 503));
    await expectAlive();
    const pid = api.child.pid;
    await influx.restart();
    await waitForInflux();
    await expect200s();
    expect(api.child.pid).toBe(pid);
  }, 60_000);

  it('should answer every request when InfluxDB is stopped under them, live on, and answer 200 once it is back', async () => {
    await expect200s();
    const { sent, answers } = await inFlightThrough(async () => {
      influx.resume();
      await influx.stop({ keepData: true });
    });
    // Answered before InfluxDB went, or refused: never a dropped connection, never another error.
    expect(answers.filter((a) => a.error || ![200, 503, 504].includes(a.status)).map((a, i) => describeAnswer(sent[i] as Sent, a))).toEqual([]);
    await expectAlive();
    await influx.restart();
    await waitForInflux();
    await expect200s();
  }, 60_000);
});
