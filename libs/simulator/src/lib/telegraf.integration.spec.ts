import { startTestInflux, type TestInflux } from '../testing/influx-test-database';
import { at, hours, STEP, T0 } from '../testing/spec-helpers';
import { ClusterSimulator } from './cluster-simulator';
import { MEGABYTES_PER_MEBIBYTE, TELEGRAF_MEASUREMENTS, TelegrafWriter } from './telegraf-writer';

describe('simulated Telegraf data in a real InfluxDB 1.6', () => {
  const sim = new ClusterSimulator({ profile: 'tiny', seed: 43 });
  const period = { from: at(T0, hours(8)), to: at(T0, hours(14)) };
  let influx: TestInflux;
  let written = 0;
  const query = (q: string, params: Record<string, string> = {}) => influx.query('k8s', q, params);

  /** Sum of a field per pod over (from, to], × step: the truth when no sample is missing. */
  const perPod = async (measurement: string, field: string, podTag: string, namespaceTag: string): Promise<Map<string, number>> => {
    const response = await query(`SELECT sum("${field}") FROM "${measurement}" WHERE time > $from AND time <= $to GROUP BY "${namespaceTag}", "${podTag}"`, {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
    });
    return new Map((response.results[0].series ?? []).map((s) => [`${s.tags?.[namespaceTag]}/${s.tags?.[podTag]}`, Number(s.values[0][1]) * STEP]));
  };

  beforeAll(async () => {
    influx = await startTestInflux();
    written = await influx.writeSimulation('k8s', sim, period, new TelegrafWriter({ systemContainers: true }));
  }, 120_000);

  afterAll(async () => {
    await influx?.stop();
  });

  it('should store one point per line: usage and inventory points of a container are distinct series', async () => {
    const response = await query('SELECT count(*) FROM /.*/');
    // count(*) gives one column per field: a point is counted once, by the field every point of its kind has.
    const counted: Record<string, string> = {
      [TELEGRAF_MEASUREMENTS.podNetwork]: 'count_rx_bytes',
      [TELEGRAF_MEASUREMENTS.node]: 'count_cpu_usage_nanocores',
      [TELEGRAF_MEASUREMENTS.systemContainer]: 'count_cpu_usage_nanocores',
      [TELEGRAF_MEASUREMENTS.gpuMemoryUsed]: 'count_gauge',
      [TELEGRAF_MEASUREMENTS.podResourceRequests]: 'count_gauge',
      [TELEGRAF_MEASUREMENTS.nodeAllocatable]: 'count_gauge',
      [TELEGRAF_MEASUREMENTS.nodeLabels]: 'count_gauge',
    };
    let points = 0;
    for (const s of response.results[0].series ?? []) {
      const row = s.values[0];
      if (s.name === TELEGRAF_MEASUREMENTS.podContainer) {
        points += Number(row[s.columns.indexOf('count_cpu_usage_nanocores')]) + Number(row[s.columns.indexOf('count_state_code')]);
      } else if (s.name === TELEGRAF_MEASUREMENTS.node) {
        // The kubelet's usage points and the inventory's allocatable points.
        points += Number(row[s.columns.indexOf('count_cpu_usage_nanocores')]) + Number(row[s.columns.indexOf('count_allocatable_millicpu_cores')]);
      } else {
        points += Number(row[s.columns.indexOf(counted[s.name])]);
      }
    }
    expect(written).toBeGreaterThan(20_000);
    expect(points).toBe(written);
  });

  it('should store integer kubelet and inventory fields and float exporter gauges', async () => {
    const response = await query('SHOW FIELD KEYS');
    // What inputs.prometheus stores from dcgm-exporter and kube-state-metrics (Prometheus values are float64).
    const scraped: string[] = [
      TELEGRAF_MEASUREMENTS.gpuMemoryUsed,
      TELEGRAF_MEASUREMENTS.podResourceRequests,
      TELEGRAF_MEASUREMENTS.nodeAllocatable,
      TELEGRAF_MEASUREMENTS.nodeLabels,
    ];
    const names = (response.results[0].series ?? []).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(scraped));
    for (const s of response.results[0].series ?? []) {
      for (const [field, type] of s.values as [string, string][]) {
        expect([s.name, field, type]).toEqual([s.name, field, scraped.includes(s.name) ? 'float' : 'integer']);
      }
    }
  });

  it('should give the truth from InfluxQL sums of the containers and of the GPUs', async () => {
    const truth = sim.groundTruth(period);
    const cpu = await perPod(TELEGRAF_MEASUREMENTS.podContainer, 'cpu_usage_nanocores', 'pod_name', 'namespace');
    const memory = await perPod(TELEGRAF_MEASUREMENTS.podContainer, 'memory_usage_bytes', 'pod_name', 'namespace');
    const gpu = await perPod(TELEGRAF_MEASUREMENTS.gpuMemoryUsed, 'gauge', 'pod', 'namespace');
    expect(truth.pods.filter((p) => p.gpuMegabyteSeconds > 0).length).toBeGreaterThan(0);
    for (const pod of truth.pods) {
      const key = `${pod.namespace_name}/${pod.pod_name}`;
      expect([key, (cpu.get(key) ?? 0) / 1e6, memory.get(key) ?? 0]).toEqual([key, pod.cpuMillicoreSeconds, pod.memoryByteSeconds]);
      const gpuMb = (gpu.get(key) ?? 0) * MEGABYTES_PER_MEBIBYTE;
      expect(Math.abs(gpuMb - pod.gpuMegabyteSeconds)).toBeLessThanOrEqual(pod.gpuMegabyteSeconds * 1e-4);
    }
  });
});
