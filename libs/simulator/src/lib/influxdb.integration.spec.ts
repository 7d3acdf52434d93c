import { METRIC_CATALOG } from '@kube-monitoring/contract';

import { startTestInflux, type TestInflux } from '../testing/influx-test-database';
import { at, hours, STEP, T0 } from '../testing/spec-helpers';
import { ClusterSimulator } from './cluster-simulator';
import { HeapsterWriter } from './heapster-writer';

describe('simulated data in a real InfluxDB 1.6', () => {
  const sim = new ClusterSimulator({ profile: 'tiny', seed: 43 });
  const period = { from: at(T0, -hours(6)), to: T0 };
  let influx: TestInflux;
  let written = 0;
  const query = (q: string, params: Record<string, string> = {}) => influx.query('k8s', q, params);

  const countPoints = async (): Promise<number> => {
    const response = await query('SELECT count("value") FROM /.*/');
    return (response.results[0].series ?? []).reduce((acc, s) => acc + Number(s.values[0][1]), 0);
  };

  beforeAll(async () => {
    influx = await startTestInflux();
    written = await influx.writeSimulation('k8s', sim, period, new HeapsterWriter({ acceleratorMetrics: true }));
  }, 120_000);

  afterAll(async () => {
    await influx?.stop();
  });

  it('should store one point per line (no two lines share series and time)', async () => {
    expect(written).toBeGreaterThan(100_000);
    expect(await countPoints()).toBe(written);
  });

  it('should store the field types Heapster writes', async () => {
    const response = await query('SHOW FIELD KEYS');
    const types = Object.fromEntries((response.results[0].series ?? []).map((s) => [s.name, s.values[0][1]]));
    for (const metric of METRIC_CATALOG) {
      const float = ['ratio', 'per_second', 'bytes_per_second'].includes(metric.unit) || /node_(capacity|allocatable)$/.test(metric.name);
      expect([metric.name, types[metric.name]]).toEqual([metric.name, float ? 'float' : 'integer']);
    }
    expect(types['accelerator/memory_used']).toBe('integer');
  });

  it('should give the exact truth from an InfluxQL sum over (from, to] × step', async () => {
    const truth = sim.groundTruth(period);
    const response = await query('SELECT sum("value") FROM "cpu/usage_rate" WHERE "type" = $type AND time > $from AND time <= $to GROUP BY "namespace_name", "pod_name"', {
      type: 'pod',
      from: period.from.toISOString(),
      to: period.to.toISOString(),
    });
    const sums = new Map((response.results[0].series ?? []).map((s) => [`${s.tags?.['namespace_name']}/${s.tags?.['pod_name']}`, Number(s.values[0][1]) * STEP]));
    expect(truth.pods.length).toBeGreaterThan(10);
    for (const pod of truth.pods) {
      const key = `${pod.namespace_name}/${pod.pod_name}`;
      expect([key, sums.get(key) ?? 0]).toEqual([key, pod.cpuMillicoreSeconds]);
    }
  });

  it('should keep every point across a crash and a restart on the same port', async () => {
    await influx.handle.kill();
    await influx.handle.restart();
    expect(await countPoints()).toBe(written);
  }, 60_000);
});
