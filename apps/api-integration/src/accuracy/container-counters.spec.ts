/**
 * A pod written with container series only, one of its containers restarting: its CPU counter is
 * followed per container (the restart resets that container's counter only), so the pod's CPU time
 * is the sum of both containers' increases. Hand-written samples with a known answer.
 */
import { AggregationRow, UsageReport } from '@kube-monitoring/contract';
import { InfluxClient } from '@kube-monitoring/influx';
import { InfluxHandle, startInfluxDb } from '@kube-monitoring/testing';

import { ApiUnderTest, startApi } from './support/api-under-test';

jest.setTimeout(120_000);

const T0 = Date.parse('2024-05-06T10:00:00Z') / 1000;
const STEP = 60;
const NS_PER_CORE_SECOND = 1e9;

function lines(): string[] {
  const out: string[] = [];
  const tags = (container: string) => `type=pod_container,namespace_name=team-a,pod_name=etl-1,container_name=${container},nodename=node-1`;
  for (let m = 1; m <= 70; m++) {
    const t = T0 + m * STEP;
    // main: one core all along; side: 0.1 core, restarted at 10:30 (its counter starts again from 0).
    const main = m * STEP * NS_PER_CORE_SECOND;
    const side = (m <= 30 ? m : m - 30) * STEP * 0.1 * NS_PER_CORE_SECOND;
    out.push(`cpu/usage,${tags('main')} value=${main}i ${t}`, `cpu/usage,${tags('side')} value=${side}i ${t}`);
    out.push(`cpu/usage_rate,${tags('main')} value=1000i ${t}`, `cpu/usage_rate,${tags('side')} value=100i ${t}`);
  }
  return out;
}

describe('Counters of a pod read from its containers', () => {
  let influx: InfluxHandle;
  let api: ApiUnderTest;
  const period = { from: new Date(T0 * 1000).toISOString(), to: new Date((T0 + 3600) * 1000).toISOString() };

  beforeAll(async () => {
    influx = await startInfluxDb();
    const client = new InfluxClient({ url: influx.url, database: 'counters' });
    await client.createDatabase();
    await client.write(lines(), 's');
    client.close();
    api = await startApi(influx.url, 'counters');
  });

  afterAll(async () => {
    await api?.close();
    await influx?.stop();
  });

  it('should add up each container’s increase, a container restart resetting only its own', async () => {
    const res = await api.post<AggregationRow[]>('/api/cpu/usage', { agg: 'all-pod', timeBeginInterval: period.from, timeEndInterval: period.to });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    // 3600 s × 1 core + 3600 s × 0.1 core, in ns.
    expect(res.body[0]?.usage).toBeCloseTo(3600 * 1.1 * NS_PER_CORE_SECOND, -3);
  });

  it('should bill the same core-hours from the counter as from the rate', async () => {
    const res = await api.post<UsageReport>('/api/usage', { ...period, groupBy: 'pod' });
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual([expect.objectContaining({ namespace_name: 'team-a', pod_name: 'etl-1', cpu_core_hours: 1.1, cpu_cores_peak: 1.1, coverage: 1 })]);
    const rate = await api.post<AggregationRow[]>('/api/cpu/usage_rate', { agg: 'all-pod', timeBeginInterval: period.from, timeEndInterval: period.to });
    expect(rate.body[0]?.usage).toBeCloseTo(1100, 6);
  });
});
