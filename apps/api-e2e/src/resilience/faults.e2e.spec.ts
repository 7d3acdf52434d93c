/**
 * Faults under load, with an InfluxDB and an API of the suite's own: InfluxDB killed (every request
 * that needs it answers 503 within the configured timeout, nothing hangs, the API stays up and turns
 * not-ready), InfluxDB restarted (200 again within 5 s, same API process), InfluxDB paused (504
 * within the timeout), resumed (200 again). Bounds are deadlines that tell a hang from an answer,
 * with generous slack; no latency is measured.
 */
import {
  Answer,
  InfluxHandle,
  loadUntil,
  login,
  Mix,
  MixRequest,
  OwnApi,
  requestMix,
  send,
  startOwnApi,
  startSeededInflux,
  UNLIMITED_HEAVY_REQUESTS,
  VIEWER,
} from '../support/resilience';

/** The API's timeout towards InfluxDB in this suite. */
const INFLUX_TIMEOUT_MS = 2000;
/** A request still unanswered this long after it was sent is a hang. */
const HANG_DEADLINE_MS = INFLUX_TIMEOUT_MS * 3 + 2000;
const WORKERS = 16;
const RECOVERY_DEADLINE_MS = 5000;
/** Pause of each worker between two requests. */
const PACE_MS = 10;

type Timed = Answer & { request: MixRequest; startedAt: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describeAnswer(a: Timed): string {
  return `${a.request.name} ${a.status || a.error} after ${a.ms} ms: ${a.text.slice(0, 160)}`;
}

describe('faults under load', () => {
  let influx: InfluxHandle;
  let api: OwnApi;
  let mix: Mix;

  beforeAll(async () => {
    influx = await startSeededInflux();
    api = await startOwnApi(influx.port, { INFLUXDB_TIMEOUT_MS: String(INFLUX_TIMEOUT_MS), ...UNLIMITED_HEAVY_REQUESTS });
    mix = await requestMix(api.url, await login(api.url, VIEWER));
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    influx?.resume();
    await influx?.stop();
  });

  /** Requests sent so far: every request asks for a period of its own, so none is answered from a cache. */
  let sent = 0;

  /** Load with the mix until `until()`; each request sent with a hang deadline, paced so instant 503s do not spin. */
  function load(until: () => boolean): Promise<Timed[]> {
    return loadUntil(
      WORKERS,
      async () => {
        const request = mix.request(sent++);
        const startedAt = Date.now();
        const answer = await send(api.url, request, HANG_DEADLINE_MS);
        await sleep(PACE_MS);
        return { ...answer, request, startedAt };
      },
      until,
    );
  }

  async function waitFor200(deadlineMs: number): Promise<number> {
    const started = Date.now();
    let last: Answer | undefined;
    while (Date.now() - started < deadlineMs) {
      last = await send(api.url, mix.request(sent++), HANG_DEADLINE_MS);
      if (last.status === 200) return Date.now() - started;
      await sleep(100);
    }
    throw new Error(`no 200 within ${deadlineMs} ms; last answer ${last?.status} ${last?.error ?? last?.text.slice(0, 200)}`);
  }

  it('should answer 503 to every request needing InfluxDB while it is killed, stay up, and turn not ready', async () => {
    let phase: 'up' | 'killing' | 'down' = 'up';
    const t0 = Date.now();
    let killedAt = 0;
    const stopAt = () => phase === 'down' && Date.now() - killedAt > 4000;
    const running = load(stopAt);
    await sleep(2500);
    phase = 'killing';
    await influx.kill();
    killedAt = Date.now();
    phase = 'down';
    const answers = await running;

    const before = answers.filter((a) => a.startedAt + a.ms < killedAt - 1000 && a.startedAt < killedAt);
    const after = answers.filter((a) => a.startedAt >= killedAt && mix.needsInflux(a.request));
    const straddling = answers.filter((a) => a.startedAt < killedAt && a.startedAt + a.ms >= killedAt - 1000);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(WORKERS);
    // Up: every answer a 200.
    expect(before.filter((a) => a.status !== 200).map(describeAnswer)).toEqual([]);
    // Down: every request that needs InfluxDB answers the seed's 503, JSON, within the hang deadline.
    expect(after.filter((a) => a.status !== 503).map(describeAnswer)).toEqual([]);
    for (const a of after) expect(JSON.parse(a.text)).toEqual({ code: 503, message: "Can't connect to influxdb" });
    // Caught by the kill: a 200 (finished in time) or a 503, nothing else, never a hang.
    expect(straddling.filter((a) => ![200, 503].includes(a.status)).map(describeAnswer)).toEqual([]);
    expect(answers.filter((a) => a.error).map(describeAnswer)).toEqual([]);
    expect(Math.max(...after.map((a) => a.ms))).toBeLessThan(HANG_DEADLINE_MS);
    expect(t0).toBeLessThan(killedAt);

    const ready = await send(api.url, { method: 'GET', path: '/api/health/ready' }, HANG_DEADLINE_MS);
    expect(ready.status).toBe(503);
    expect((JSON.parse(ready.text) as { message: string }).message).toContain('influxdb');
    expect((await send(api.url, { method: 'GET', path: '/api/health' }, HANG_DEADLINE_MS)).status).toBe(200);
    expect(api.child.exitCode).toBeNull();
  }, 60_000);

  it('should answer 200 again within 5 s of InfluxDB restarting, without restarting the API', async () => {
    const pid = api.child.pid;
    await influx.restart();
    const recoveredIn = await waitFor200(RECOVERY_DEADLINE_MS);
    expect(recoveredIn).toBeLessThan(RECOVERY_DEADLINE_MS);
    const until = Date.now() + 3000;
    const answers = await load(() => Date.now() > until);
    expect(answers.length).toBeGreaterThan(WORKERS);
    expect(answers.filter((a) => a.status !== 200).map(describeAnswer)).toEqual([]);
    expect((await send(api.url, { method: 'GET', path: '/api/health/ready' }, HANG_DEADLINE_MS)).status).toBe(200);
    expect(api.child.pid).toBe(pid);
    expect(api.child.exitCode).toBeNull();
  }, 60_000);

  it('should answer 504 within the timeout while InfluxDB is paused, then 200 once it resumes', async () => {
    let pausedAt = 0;
    const running = load(() => pausedAt > 0 && Date.now() - pausedAt > INFLUX_TIMEOUT_MS * 2 + 1000);
    await sleep(2000);
    influx.pause();
    pausedAt = Date.now();
    let answers: Timed[];
    try {
      answers = await running;
    } finally {
      influx.resume();
    }
    const during = answers.filter((a) => a.startedAt >= pausedAt && mix.needsInflux(a.request));
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((a) => a.status !== 504).map(describeAnswer)).toEqual([]);
    for (const a of during) expect(JSON.parse(a.text)).toEqual({ code: 504, message: 'InfluxDB did not answer in time' });
    expect(answers.filter((a) => a.error || (a.status >= 500 && a.status !== 504)).map(describeAnswer)).toEqual([]);
    expect(Math.max(...during.map((a) => a.ms))).toBeLessThan(HANG_DEADLINE_MS);

    await waitFor200(RECOVERY_DEADLINE_MS);
    const until = Date.now() + 2000;
    const again = await load(() => Date.now() > until);
    expect(again.filter((a) => a.status !== 200).map(describeAnswer)).toEqual([]);
    expect(api.child.exitCode).toBeNull();
  }, 60_000);
});
