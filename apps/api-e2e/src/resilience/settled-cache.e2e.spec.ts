/**
 * The cache of settled periods, end to end: a report, aggregation or raw query over a period that ended long
 * ago is computed once and then answered without InfluxDB (same answer), while a period that is
 * still open reaches InfluxDB every time. InfluxDB calls are counted on the API's own /metrics (its METRICS_PORT).
 */
import { e2eEnv, serviceHeaders } from '../support/e2e-env';

/** InfluxDB calls the API made so far (every kind and outcome). */
async function influxCalls(): Promise<number> {
  const text = await (await fetch(`${e2eEnv.metricsUrl}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^kube_monitoring_influxdb_request_duration_seconds_count\{[^}]*\} (\d+)$/gm)) n += Number(m[1]);
  return n;
}

async function post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`${e2eEnv.apiUrl}${path}`, { method: 'POST', headers: { ...serviceHeaders(), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await r.json()) as unknown;
  // The report's own timestamp is the only thing allowed to differ between two answers.
  if (json && typeof json === 'object' && 'generated_at' in json) delete (json as { generated_at?: string }).generated_at;
  return { status: r.status, json };
}

describe('settled periods are computed once', () => {
  it.each([
    ['the usage report', '/api/usage', { from: '2017-12-01T00:00:00.001Z', to: '2017-12-02T00:00:00Z', groupBy: 'pod' }],
    ['an aggregation', '/api/cpu/usage_rate', { agg: 'all-namespace', timeBeginInterval: '2017-12-01T00:00:00.002Z', timeEndInterval: '2017-12-02' }],
    ['raw points', '/api/cpu/usage_rate', { namespace: 'cluster-3', limit: 20, timeBeginInterval: '2017-12-01T00:00:00.003Z', timeEndInterval: '2017-12-02' }],
  ])('should answer %s over a past period again without InfluxDB, with the same answer', async (_name, path, body) => {
    const before = await influxCalls();
    const first = await post(path, body);
    const afterFirst = await influxCalls();
    const second = await post(path, body);
    const afterSecond = await influxCalls();
    expect(first.status).toBe(200);
    // Something was read: the cache must hold data, not an empty answer.
    expect(first.json).not.toEqual({ code: 200, message: 'Query returns empty set' });
    expect(afterFirst).toBeGreaterThan(before);
    expect(second).toEqual(first);
    expect(afterSecond).toBe(afterFirst);
  });

  it('should reach InfluxDB every time for a period that is still open', async () => {
    const body = { from: new Date(Date.now() - 30 * 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const before = await influxCalls();
    expect((await post('/api/usage', body)).status).toBe(200);
    const afterFirst = await influxCalls();
    expect((await post('/api/usage', body)).status).toBe(200);
    const afterSecond = await influxCalls();
    expect(afterFirst).toBeGreaterThan(before);
    expect(afterSecond).toBeGreaterThan(afterFirst);
  });
});
