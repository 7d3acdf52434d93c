/**
 * Per-caller limits on heavy requests, end to end against the built API: one caller's N+1-th
 * concurrent heavy request (aggregation, usage report, chart) gets 429 with Retry-After while its N others (held in a paused InfluxDB)
 * answer once it resumes, and other callers are not affected; per minute, only requests that read
 * InfluxDB count, so a settled report asked again and again is never refused.
 */
import { FIXTURE_START } from '../fixtures/cluster-fixture';
import { serviceHeaders } from '../support/e2e-env';
import { InfluxHandle, login, OwnApi, send, startOwnApi, startSeededInflux, VIEWER } from '../support/resilience';

const PER_CALLER = 3;
const PER_MINUTE = 4;
const DEADLINE_MS = 30_000;
const HOUR_MS = 3_600_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('per-caller limits on heavy requests', () => {
  let influx: InfluxHandle;
  let concurrent: OwnApi;
  let perMinute: OwnApi;
  let n = 0;

  beforeAll(async () => {
    influx = await startSeededInflux();
    [concurrent, perMinute] = await Promise.all([
      startOwnApi(influx.port, { HEAVY_REQUESTS_PER_CALLER: String(PER_CALLER), HEAVY_REQUESTS_PER_MINUTE: '0', INFLUXDB_TIMEOUT_MS: '10000' }),
      startOwnApi(influx.port, { HEAVY_REQUESTS_PER_CALLER: '100', HEAVY_REQUESTS_PER_MINUTE: String(PER_MINUTE) }),
    ]);
  }, 60_000);

  afterAll(async () => {
    influx?.resume();
    await Promise.all([concurrent?.stop(), perMinute?.stop()]);
    await influx?.stop();
  });

  type Kind = 'aggregation' | 'usage report' | 'chart';

  /** A heavy request over a period of its own (never answered from the cache), on the mount of the credentials. */
  function heavy(kind: Kind, api: OwnApi, credentials: Record<string, string>): Request {
    const from = new Date(FIXTURE_START + n++).toISOString();
    const to = new Date(Date.parse(from) + HOUR_MS).toISOString();
    const [path, body] =
      kind === 'aggregation'
        ? ['cpu/usage_rate', { agg: 'all-pod', timeBeginInterval: from, timeEndInterval: to }]
        : kind === 'usage report'
          ? ['usage', { from, to, groupBy: 'pod' }]
          : ['series/cpu/usage_rate', { from, to, groupBy: 'pod' }];
    const mount = 'authorization' in credentials ? '/api/ui' : '/api';
    return new Request(`${api.url}${mount}/${path}`, { method: 'POST', headers: { ...credentials, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }
  const aggregation = (api: OwnApi, credentials: Record<string, string>) => heavy('aggregation', api, credentials);

  const statusOf = async (r: Request) => (await fetch(r)).status;

  it(`should refuse one caller's request beyond ${PER_CALLER} at once with 429 and Retry-After, and answer the others`, async () => {
    const viewer = { authorization: `Bearer ${await login(concurrent.url, VIEWER)}` };
    const kinds: Kind[] = ['aggregation', 'usage report', 'chart'];
    // Warm: sample steps, measurements and fields are known, so the held requests wait in InfluxDB itself.
    for (const kind of kinds) expect([kind, await statusOf(heavy(kind, concurrent, viewer))]).toEqual([kind, 200]);
    influx.pause();
    let statuses: number[];
    try {
      const held = Array.from({ length: PER_CALLER }, (_, i) => statusOf(heavy(kinds[i % kinds.length] as Kind, concurrent, viewer)));
      await sleep(300);
      const refused = await fetch(heavy('chart', concurrent, viewer));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toEqual({
        code: 429,
        message: expect.stringMatching(new RegExp(`at most ${PER_CALLER} aggregations, usage reports and charts per caller run at the same time`)),
      });
      // Another caller still gets in (it waits in InfluxDB like the others).
      const other = statusOf(aggregation(concurrent, serviceHeaders()));
      await sleep(300);
      influx.resume();
      statuses = await Promise.all([...held, other]);
    } finally {
      influx.resume();
    }
    expect(statuses).toEqual(Array.from({ length: PER_CALLER + 1 }, () => 200));
    // The slots were given back.
    const again = await Promise.all(Array.from({ length: PER_CALLER }, () => statusOf(aggregation(concurrent, viewer))));
    expect(again).toEqual(again.map(() => 200));
  }, 60_000);

  it(`should refuse the ${PER_MINUTE + 1}th request reading InfluxDB in a minute, never a settled answer asked again`, async () => {
    const headers = { ...serviceHeaders(), 'content-type': 'application/json' };
    const report = () =>
      send(perMinute.url, { method: 'POST', path: '/api/usage', headers, body: JSON.stringify({ from: '2017-12-01', to: '2017-12-02', groupBy: 'pod' }) }, DEADLINE_MS);
    // One computation, then answers from the settled-period cache.
    for (let i = 0; i < PER_MINUTE + 3; i++) expect((await report()).status).toBe(200);
    const fresh: number[] = [];
    for (let i = 1; i < PER_MINUTE; i++) fresh.push(await statusOf(aggregation(perMinute, serviceHeaders())));
    expect(fresh).toEqual(fresh.map(() => 200));
    const r = await fetch(aggregation(perMinute, serviceHeaders()));
    expect(r.status).toBe(429);
    expect(await r.json()).toEqual({
      code: 429,
      message: expect.stringMatching(new RegExp(`at most ${PER_MINUTE} aggregations, usage reports and charts per caller per minute; retry in \\d+ s`)),
    });
    const retryAfter = Number(r.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The cached report is still answered, and so is another caller.
    expect((await report()).status).toBe(200);
    const viewer = { authorization: `Bearer ${await login(perMinute.url, VIEWER)}` };
    expect(await statusOf(aggregation(perMinute, viewer))).toBe(200);
  }, 60_000);
});
