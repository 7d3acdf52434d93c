import { sleep, startInfluxDb, type InfluxHandle } from '@kube-monitoring/testing';

import { seedDemo, startLiveWriter, type SeedProgress } from './seed-demo';

interface QueryResponse {
  results: Array<{ error?: string; series?: Array<{ name: string; columns: string[]; values: unknown[][] }> }>;
}

describe('tools/seed-demo against a real InfluxDB 1.6', () => {
  let influx: InfluxHandle;
  const query = async (db: string, q: string): Promise<QueryResponse> => {
    const r = await fetch(`${influx.url}/query`, { method: 'POST', body: new URLSearchParams({ db, q, epoch: 's' }) });
    const response = (await r.json()) as QueryResponse;
    const error = response.results.find((x) => x.error)?.error;
    if (!r.ok || error) throw new Error(`${q}: ${r.status} ${error ?? ''}`);
    return response;
  };
  const count = async (db: string): Promise<number> => {
    const response = await query(db, 'SELECT count("value") FROM /.*/');
    return (response.results[0].series ?? []).reduce((acc, s) => acc + Number(s.values[0][1]), 0);
  };

  beforeAll(async () => {
    influx = await startInfluxDb();
  }, 60_000);

  afterAll(async () => {
    await influx?.stop();
  });

  it('should create the database and write every point of the period, reporting progress', async () => {
    const progress: SeedProgress[] = [];
    const result = await seedDemo({ url: influx.url, db: 'seeded', days: 3 / 24, profile: 'tiny', until: new Date('2024-03-20T00:00:00Z') }, (p) => progress.push(p));
    expect(result.lines).toBeGreaterThan(50_000);
    expect(result.requests).toBe(Math.ceil(result.lines / 5000));
    expect(await count('seeded')).toBe(result.lines);
    expect(progress.at(-1)).toEqual({ fraction: 1, lines: result.lines, requests: result.requests });
    expect(progress.map((p) => p.fraction)).toEqual([...progress.map((p) => p.fraction)].sort((a, b) => a - b));
  }, 120_000);

  it('should write the newest samples live, after backfilling since the seeded period', async () => {
    const since = new Date(Date.now() - 5 * 60_000);
    const writes: Date[] = [];
    const stop = startLiveWriter(influx.url, 'live', 100, {
      profile: 'tiny',
      since,
      onWrite: (_lines, time) => writes.push(time),
    });
    for (let i = 0; i < 100 && writes.length === 0; i++) await sleep(100);
    await stop();
    expect(writes.length).toBeGreaterThan(0);
    const response = await query('live', 'SELECT count("value") FROM "cpu/usage_rate" WHERE "type" = \'cluster\' AND time > now() - 1h GROUP BY time(1m) fill(none)');
    const minutes = (response.results[0].series?.[0].values ?? []).filter((v) => Number(v[1]) > 0).map((v) => Number(v[0]));
    // Five minutes of backfill plus the latest scrape: one cluster sample per minute, none missing.
    expect(minutes.length).toBeGreaterThanOrEqual(5);
    expect(minutes.at(-1)).toBe(writes[0].getTime() / 1000);
    expect(minutes.slice(1).every((m, i) => m - minutes[i] === 60)).toBe(true);
  }, 60_000);

  it("should seed the Telegraf schema: kubelet measurements, inventory points, dcgm GPU memory and kube-state-metrics' GPU allocation", async () => {
    const result = await seedDemo({ url: influx.url, db: 'telegraf', days: 1 / 24, profile: 'tiny', schema: 'telegraf', until: new Date('2024-03-20T15:00:00Z') });
    expect(result.lines).toBeGreaterThan(1000);
    const response = await query('telegraf', 'SHOW MEASUREMENTS');
    expect((response.results[0].series?.[0].values ?? []).map((v) => v[0])).toEqual([
      'DCGM_FI_DEV_FB_USED',
      'kube_node_labels',
      'kube_node_status_allocatable',
      'kube_pod_container_resource_requests',
      'kubernetes_node',
      'kubernetes_pod_container',
      'kubernetes_pod_network',
    ]);
  }, 60_000);
});
