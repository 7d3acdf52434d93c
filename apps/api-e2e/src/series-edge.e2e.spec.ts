/**
 * A chart's right edge against a real InfluxDB: the newest bucket holds fewer samples than its
 * width when the period reaches past the data (a chart of "the last 24 hours" ends now, the newest
 * scrape a moment before). That bucket is the mean of the samples it holds, and the answer says
 * when the newest sample is.
 */
import { e2eEnv, serviceHeaders } from './support/e2e-env';

/** On a 180 s boundary, far from the fixture's December. */
const T = Date.parse('2017-11-20T00:00:00Z') / 1000;

describe('series at the edge of the data', () => {
  beforeAll(async () => {
    // One pod, a sample a minute from T to T + 480 s, each 1000 millicores more than the one before.
    const lines = Array.from({ length: 9 }, (_, k) => `cpu/usage_rate,namespace_name=edge-chart,pod_name=edge-0,type=pod value=${1000 * (k + 1)}i ${T + 60 * k}`);
    const res = await fetch(`${e2eEnv.influxUrl}/write?db=${e2eEnv.database}&precision=s`, { method: 'POST', body: lines.join('\n') });
    expect(res.status).toBe(204);
  });

  it('should give the newest bucket the mean of what it holds, not count the time not scraped as zero', async () => {
    // 15 minutes asked, 8 of them with data: buckets of 180 s.
    const res = await fetch(`${e2eEnv.apiUrl}/api/series/cpu/usage_rate`, {
      method: 'POST',
      headers: { ...serviceHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify({ from: new Date(T * 1000).toISOString(), to: new Date((T + 900) * 1000).toISOString(), namespace: 'edge-chart', groupBy: 'pod', step: 180 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { series: { points: [number, number | null][] }[]; newest_sample_at?: string };
    expect(body.newest_sample_at).toBe(new Date((T + 480) * 1000).toISOString());
    const values = body.series[0]?.points.map(([, v]) => v) ?? [];
    const first = values[0] as number;
    // The buckets hold the samples at T+60…180 (2000, 3000, 4000), T+240…360 (5000…7000) and T+420, 480
    // (8000, 9000): means 3000, 6000 and 8500, in whatever unit the catalog gives.
    expect(values[1] as number).toBeCloseTo((first * 6000) / 3000, 6);
    expect(values[2] as number).toBeCloseTo((first * 8500) / 3000, 6);
    expect(values.slice(3)).toEqual([null, null]);
  });
});
