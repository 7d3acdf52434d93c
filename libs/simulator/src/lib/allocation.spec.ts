import { GPU_UNITS_PER_DEVICE, gpuAllocationUnits } from '@kube-monitoring/contract';

import { addTo, at, hours, parsedLines, STEP, T0 } from '../testing/spec-helpers';
import type { PodLife } from './cluster-model';
import { ClusterSimulator } from './cluster-simulator';
import { extendedRequestMetric, GPU_NODE_CAPACITY_METRIC, HeapsterWriter } from './heapster-writer';
import type { ParsedLine } from './line-protocol';
import { TELEGRAF_MEASUREMENTS, TelegrafWriter } from './telegraf-writer';

const GPU_RESOURCES = ['nvidia.com/gpu', 'nvidia.com/mig-1g.10gb', 'nvidia.com/mig-3g.40gb', 'nvidia.com/gpucores', 'nvidia.com/gpumem-percentage'];
const EXTENDED_METRICS = GPU_RESOURCES.map(extendedRequestMetric);
/** Working hours of a weekday: jobs, MIG jobs and the HAMi pods all run. */
const DAYTIME = { from: at(T0, hours(9)), to: at(T0, hours(12)) };

const num = (line: ParsedLine, field = 'value') => Number(line.fields[field]?.value);
const containerKey = (l: ParsedLine) => `${l.tags['namespace_name']}/${l.tags['pod_name']}/${l.tags['container_name']}`;

/** An hour [h, h + 1 h) of the day, epoch seconds. */
function hourOf(day: Date, h: number): { from: Date; to: Date; a: number; b: number } {
  const a = day.getTime() / 1000 + h * 3600;
  return { from: new Date(a * 1000), to: new Date((a + 3600) * 1000), a, b: a + 3600 };
}

describe('allocation data', () => {
  const sim = new ClusterSimulator({ profile: 'tiny', seed: 41 });

  describe('Heapster lines', () => {
    const lines = parsedLines(sim, { ...DAYTIME, writer: new HeapsterWriter() });
    const byMetric = (m: string) => lines.filter((l) => l.measurement === m);

    it('should write each GPU request as an integer count at pod_container and pod level only, with their tags', () => {
      const containerTags = new Set(Object.keys(byMetric('cpu/request').find((l) => l.tags['type'] === 'pod_container')?.tags ?? {}));
      for (const metric of EXTENDED_METRICS) {
        const written = byMetric(metric);
        expect([metric, written.length > 0]).toEqual([metric, true]);
        expect([metric, [...new Set(written.map((l) => l.tags['type']))].sort()]).toEqual([metric, ['pod', 'pod_container']]);
        for (const line of written) {
          expect(line.fields['value'].type).toBe('int');
          if (line.tags['type'] === 'pod_container') expect(new Set(Object.keys(line.tags))).toEqual(containerTags);
        }
      }
      const values = (metric: string, pod: RegExp) =>
        new Set(
          byMetric(metric)
            .filter((l) => pod.test(l.tags['pod_name']))
            .map((l) => num(l)),
        );
      expect([...values('nvidia.com/gpu/request', /^(train|finetune)-/)].every((v) => v === 1 || v === 2)).toBe(true);
      const wholeGpus = sim.lives({ from: T0, to: at(T0, hours(24)) }).flatMap((l) => l.pod.containers.map((c) => c.extendedRequests['nvidia.com/gpu']));
      expect(new Set(wholeGpus)).toEqual(new Set([undefined, 1, 2]));
      expect(values('nvidia.com/gpu/request', /^llm-serve-/)).toEqual(new Set([1]));
      expect(values('nvidia.com/gpucores/request', /^llm-serve-/)).toEqual(new Set([25]));
      expect(values('nvidia.com/gpumem-percentage/request', /^llm-serve-/)).toEqual(new Set([25]));
      expect(values('nvidia.com/gpumem-percentage/request', /^embedder-/)).toEqual(new Set([50]));
      expect(byMetric('nvidia.com/gpucores/request').some((l) => l.tags['pod_name'].startsWith('embedder-'))).toBe(false);
      for (const mig of ['nvidia.com/mig-1g.10gb/request', 'nvidia.com/mig-3g.40gb/request']) {
        expect(new Set(byMetric(mig).map((l) => `${l.tags['nodename']}=${num(l)}`))).toEqual(new Set(['gpu-mig-node-1=1']));
      }
    });

    it('should write the physical GPUs of each GPU node, with the model in the node labels', () => {
      const capacity = byMetric(GPU_NODE_CAPACITY_METRIC);
      const perNode = new Map(capacity.map((l) => [l.tags['nodename'], l]));
      expect([...perNode.keys()].sort()).toEqual(['gpu-hami-node-1', 'gpu-mig-node-1', 'gpu-node-1']);
      for (const line of capacity) {
        expect([line.tags['type'], line.fields['value']]).toEqual(['node', { type: 'int', value: 4n }]);
      }
      expect(perNode.get('gpu-mig-node-1')?.tags['labels']).toContain('nvidia.com/gpu.product:NVIDIA-A100-SXM4-80GB');
      expect(perNode.get('gpu-hami-node-1')?.tags['labels']).toContain('nvidia.com/gpu.product:NVIDIA-A100-SXM4-40GB');
      expect(capacity).toHaveLength((3 * (DAYTIME.to.getTime() - DAYTIME.from.getTime())) / 1000 / STEP);
    });

    it('should write 0 requests and limits for the pod without any', () => {
      const toolbox = lines.filter((l) => l.tags['pod_name']?.startsWith('toolbox-') && /^(cpu|memory)\/(request|limit)$/.test(l.measurement));
      expect(toolbox.length).toBeGreaterThan(0);
      expect(new Set(toolbox.map((l) => num(l)))).toEqual(new Set([0]));
    });
  });

  describe('Telegraf lines', () => {
    const heapster = parsedLines(sim, { ...DAYTIME, writer: new HeapsterWriter({ metrics: EXTENDED_METRICS, levels: ['pod_container'] }) });
    const lines = parsedLines(sim, { ...DAYTIME, writer: new TelegrafWriter() });

    it("should write GPU requests as kube-state-metrics' series, the same counts as Heapster's", () => {
      const ksm = lines.filter((l) => l.measurement === TELEGRAF_MEASUREMENTS.resourceRequests);
      const sanitised = (m: string) => m.slice(0, -'/request'.length).replace(/[^a-zA-Z0-9_]/g, '_');
      const expected = heapster.map((l) => `${containerKey(l)} ${sanitised(l.measurement)}=${num(l)} @${l.timestamp}`).sort();
      const written = ksm.map((l) => `${l.tags['namespace']}/${l.tags['pod']}/${l.tags['container']} ${l.tags['resource']}=${num(l, 'gauge')} @${l.timestamp}`).sort();
      expect(written).toEqual(expected);
      expect(new Set(ksm.map((l) => l.tags['resource']))).toEqual(
        new Set(['nvidia_com_gpu', 'nvidia_com_mig_1g_10gb', 'nvidia_com_mig_3g_40gb', 'nvidia_com_gpucores', 'nvidia_com_gpumem_percentage']),
      );
      for (const line of ksm) {
        expect(Object.keys(line.tags).sort()).toEqual(['container', 'host', 'namespace', 'node', 'pod', 'resource', 'uid', 'unit']);
        expect([line.tags['unit'], line.fields['gauge'].type]).toEqual(['integer', 'float']);
        expect(line.tags['uid']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }
    });

    it("should write kube_inventory's node allocatable and capacity, and nvidia-smi's GPUs per node", () => {
      const inventory = lines.filter((l) => l.measurement === TELEGRAF_MEASUREMENTS.node && l.tags['condition'] === 'Ready');
      const nodes = new Map(sim.model.nodes.map((n) => [n.name, n]));
      expect(new Set(inventory.map((l) => l.tags['node_name']))).toEqual(new Set(nodes.keys()));
      for (const line of inventory) {
        const node = nodes.get(line.tags['node_name']);
        expect([num(line, 'allocatable_millicpu_cores'), num(line, 'allocatable_memory_bytes')]).toEqual([node?.cpuAllocatableMillicores, node?.memoryAllocatableBytes]);
        expect([num(line, 'capacity_millicpu_cores'), num(line, 'capacity_memory_bytes')]).toEqual([node?.cpuCapacityMillicores, node?.memoryCapacityBytes]);
      }
      const smi = lines.filter((l) => l.measurement === TELEGRAF_MEASUREMENTS.nvidiaSmi);
      const devices = new Map<string, Set<string>>();
      for (const line of smi) {
        devices.set(line.tags['host'], new Set([...(devices.get(line.tags['host']) ?? []), line.tags['index']]));
        expect(num(line, 'memory_used') + num(line, 'memory_free')).toBe(num(line, 'memory_total'));
      }
      expect(Object.fromEntries([...devices].map(([host, set]) => [host, set.size]))).toEqual({ 'gpu-hami-node-1': 4, 'gpu-mig-node-1': 4, 'gpu-node-1': 4 });
      expect(new Set(smi.filter((l) => l.tags['host'] === 'gpu-mig-node-1').map((l) => `${l.tags['name']} ${num(l, 'memory_total')}`))).toEqual(
        new Set(['NVIDIA A100-SXM4-80GB 78125']),
      );
    });

    it('should write no request or limit field for the container without any', () => {
      const toolbox = lines.filter((l) => l.measurement === TELEGRAF_MEASUREMENTS.podContainer && l.tags['pod_name']?.startsWith('toolbox-') && 'state_code' in l.fields);
      expect(toolbox.length).toBeGreaterThan(0);
      for (const line of toolbox) expect(Object.keys(line.fields).filter((f) => f.startsWith('resource_'))).toEqual([]);
    });
  });

  describe('ground truth', () => {
    it('should equal a recomputation from the written samples: requests, GPU devices and the max basis', () => {
      const period = DAYTIME;
      const truth = sim.groundTruth(period);
      const from = BigInt(period.from.getTime() / 1000);
      const writer = new HeapsterWriter({ metrics: ['cpu/request', 'memory/request', 'cpu/usage_rate', 'memory/usage', 'uptime', ...EXTENDED_METRICS], levels: ['pod_container'] });
      // Per container and scrape: every value written at that time.
      const samples = new Map<string, Map<bigint, Record<string, number>>>();
      for (const line of parsedLines(sim, { from: period.from, to: at(period.to, 1), writer })) {
        const key = containerKey(line);
        const series = samples.get(key) ?? new Map<bigint, Record<string, number>>();
        samples.set(key, series);
        const t = line.timestamp ?? 0n;
        series.set(t, { ...(series.get(t) ?? {}), [line.measurement]: num(line) });
      }
      const sums = {
        cpu: new Map<string, number>(),
        memory: new Map<string, number>(),
        gpu: new Map<string, number>(),
        cpuMax: new Map<string, number>(),
        memoryMax: new Map<string, number>(),
      };
      for (const [key, series] of samples) {
        const pod = key.slice(0, key.lastIndexOf('/'));
        let previousUptime: number | undefined;
        for (const [t, v] of [...series].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
          const uptime = v['uptime'] / 1000;
          // The alive part of the sample's window: uptime grows by it; a drop starts a new life.
          const alive = previousUptime === undefined || uptime < previousUptime ? uptime : uptime - previousUptime;
          previousUptime = uptime;
          if (t === from) continue;
          const requests = Object.fromEntries(GPU_RESOURCES.filter((r) => v[extendedRequestMetric(r)] !== undefined).map((r) => [r, v[extendedRequestMetric(r)]]));
          addTo(sums.cpu, pod, v['cpu/request'] * alive);
          addTo(sums.memory, pod, v['memory/request'] * alive);
          addTo(sums.gpu, pod, gpuAllocationUnits(requests) * alive);
          // A sample is its window's average, so value × step = usage × alive seconds.
          addTo(sums.cpuMax, pod, Math.max(v['cpu/request'] * alive, v['cpu/usage_rate'] * STEP));
          addTo(sums.memoryMax, pod, Math.max(v['memory/request'] * alive, v['memory/usage'] * STEP));
        }
      }
      expect(truth.pods.filter((p) => p.gpuDeviceSeconds > 0).length).toBeGreaterThan(5);
      for (const pod of truth.pods) {
        const key = `${pod.namespace_name}/${pod.pod_name}`;
        expect([key, sums.cpu.get(key) ?? 0, sums.memory.get(key) ?? 0]).toEqual([key, pod.cpuRequestMillicoreSeconds, pod.memoryRequestByteSeconds]);
        expect([key, (sums.gpu.get(key) ?? 0) / GPU_UNITS_PER_DEVICE]).toEqual([key, pod.gpuDeviceSeconds]);
        expect([key, sums.cpuMax.get(key) ?? 0, sums.memoryMax.get(key) ?? 0]).toEqual([key, pod.cpuMaxMillicoreSeconds, pod.memoryMaxByteSeconds]);
        expect(pod.cpuMaxMillicoreSeconds).toBeGreaterThanOrEqual(Math.max(pod.cpuMillicoreSeconds, pod.cpuRequestMillicoreSeconds));
        expect(pod.cpuRequestCoreHours).toBeCloseTo(pod.cpuRequestMillicoreSeconds / 1000 / 3600, 12);
        expect(pod.memoryMaxGibHours).toBeCloseTo(pod.memoryMaxByteSeconds / 2 ** 30 / 3600, 12);
        expect(pod.gpuHours).toBeCloseTo(pod.gpuDeviceSeconds / 3600, 12);
      }
      for (const ns of truth.namespaces) {
        const pods = truth.pods.filter((p) => p.namespace_name === ns.namespace_name);
        expect(ns.cpuRequestMillicoreSeconds).toBe(pods.reduce((a, p) => a + p.cpuRequestMillicoreSeconds, 0));
        expect(ns.gpuDeviceSeconds).toBeCloseTo(
          pods.reduce((a, p) => a + p.gpuDeviceSeconds, 0),
          9,
        );
      }
    });

    it('should count four pods at 25 % of one GPU for one hour as one GPU-hour', () => {
      const day = T0;
      const serving = (lives: PodLife[]) => lives.filter((l) => l.pod.name.startsWith('llm-serve-'));
      const hour = Array.from({ length: 24 }, (_, h) => hourOf(day, h)).find(({ a, b, from, to }) => {
        const lives = serving(sim.lives({ from, to }));
        return lives.length === 4 && lives.every((l) => l.start <= a && l.stop >= b);
      });
      if (!hour) throw new Error('no hour with exactly four llm-serve pods all along');
      const truth = sim.groundTruth(hour);
      const pods = truth.pods.filter((p) => p.pod_name.startsWith('llm-serve-'));
      expect(pods).toHaveLength(4);
      expect(pods.map((p) => p.gpuHours)).toEqual([0.25, 0.25, 0.25, 0.25]);
      expect(pods.reduce((a, p) => a + p.gpuHours, 0)).toBe(1);
      const embedder = truth.pods.filter((p) => p.pod_name.startsWith('embedder-')).reduce((a, p) => a + p.gpuDeviceSeconds, 0);
      expect(truth.nodes.find((n) => n.nodename === 'gpu-hami-node-1')?.gpuDeviceSeconds).toBe(3600 + embedder);
    });

    it('should count a MIG 3g slice for one hour as 3/7 of a GPU-hour', () => {
      const day = T0;
      const isMig3g = (l: PodLife) => l.pod.containers.some((c) => c.extendedRequests['nvidia.com/mig-3g.40gb'] === 1);
      let found: { hour: ReturnType<typeof hourOf>; life: PodLife } | undefined;
      for (let h = 0; h < 24 && !found; h++) {
        const hour = hourOf(day, h);
        const life = sim.lives(hour).find((l) => isMig3g(l) && l.start <= hour.a && l.stop >= hour.b);
        if (life) found = { hour, life };
      }
      if (!found) throw new Error('no MIG 3g job running a whole hour');
      const pod = sim.groundTruth(found.hour).pods.find((p) => p.pod_name === found?.life.pod.name);
      expect(pod?.gpuDeviceSeconds).toBeCloseTo((3 / 7) * 3600, 9);
      expect(pod?.gpuHours).toBeCloseTo(3 / 7, 15);
    });

    it('should give 0 request figures to a pod without requests, and its usage as its max basis', () => {
      const truth = sim.groundTruth(DAYTIME);
      const toolbox = truth.pods.filter((p) => p.pod_name.startsWith('toolbox-'));
      expect(toolbox.length).toBeGreaterThan(0);
      for (const pod of toolbox) {
        expect([pod.cpuRequestMillicoreSeconds, pod.memoryRequestByteSeconds, pod.gpuDeviceSeconds, pod.cpuRequestCoreHours, pod.memoryRequestGibHours, pod.gpuHours]).toEqual([
          0, 0, 0, 0, 0, 0,
        ]);
        expect(pod.cpuMillicoreSeconds).toBeGreaterThan(0);
        expect([pod.cpuMaxMillicoreSeconds, pod.memoryMaxByteSeconds]).toEqual([pod.cpuMillicoreSeconds, pod.memoryByteSeconds]);
      }
    });

    it('should give per node what it offers, what its pods requested, idle and overcommit, as a second-by-second count finds', () => {
      const period = { from: at(T0, hours(10)), to: at(T0, hours(12)) };
      const a = period.from.getTime() / 1000;
      const b = period.to.getTime() / 1000;
      const truth = sim.groundTruth(period);
      const lives = sim.lives(period);
      expect(truth.nodes.map((n) => n.nodename)).toEqual(sim.model.nodes.map((n) => n.name).sort());
      for (const node of sim.model.nodes) {
        const t = truth.nodes.find((n) => n.nodename === node.name);
        const mine = lives.filter((l) => l.pod.node.id === node.id);
        const reserve = mine.map((l) => ({
          life: l,
          cpu: l.pod.containers.reduce((s, c) => s + c.requests.cpuMillicores, 0),
          memory: l.pod.containers.reduce((s, c) => s + c.requests.memoryBytes, 0),
          gpu: l.pod.containers.reduce((s, c) => s + gpuAllocationUnits(c.extendedRequests), 0),
        }));
        let cpu = 0;
        let memory = 0n;
        let gpu = 0;
        let cpuIdle = 0;
        let cpuOver = 0;
        let memoryIdle = 0n;
        let gpuIdle = 0;
        let gpuOver = 0;
        for (let s = a; s < b; s++) {
          let c = 0;
          let m = 0;
          let g = 0;
          for (const r of reserve) {
            if (r.life.start <= s && s < r.life.stop) {
              c += r.cpu;
              m += r.memory;
              g += r.gpu;
            }
          }
          cpu += c;
          memory += BigInt(m);
          gpu += g;
          cpuIdle += Math.max(0, node.cpuAllocatableMillicores - c);
          cpuOver += Math.max(0, c - node.cpuAllocatableMillicores);
          memoryIdle += BigInt(Math.max(0, node.memoryAllocatableBytes - m));
          gpuIdle += Math.max(0, node.gpuDevices * GPU_UNITS_PER_DEVICE - g);
          gpuOver += Math.max(0, g - node.gpuDevices * GPU_UNITS_PER_DEVICE);
        }
        expect([node.name, t?.cpuRequestMillicoreSeconds, t?.cpuIdleMillicoreSeconds, t?.cpuOvercommitMillicoreSeconds]).toEqual([node.name, cpu, cpuIdle, cpuOver]);
        expect([node.name, t?.memoryRequestByteSeconds, t?.memoryIdleByteSeconds]).toEqual([node.name, Number(memory), Number(memoryIdle)]);
        expect([node.name, t?.gpuDeviceSeconds, t?.gpuIdleDeviceSeconds, t?.gpuOvercommitDeviceSeconds]).toEqual([
          node.name,
          gpu / GPU_UNITS_PER_DEVICE,
          gpuIdle / GPU_UNITS_PER_DEVICE,
          gpuOver / GPU_UNITS_PER_DEVICE,
        ]);
        expect([t?.cpuAllocatableMillicoreSeconds, t?.memoryAllocatableByteSeconds, t?.gpuCapacityDeviceSeconds]).toEqual([
          node.cpuAllocatableMillicores * (b - a),
          node.memoryAllocatableBytes * (b - a),
          node.gpuDevices * (b - a),
        ]);
        expect(t?.cpuAllocatableCoreHours).toBeCloseTo((node.cpuAllocatableMillicores / 1000) * 2, 12);
        expect(t?.gpuCapacityHours).toBe(node.gpuDevices * 2);
      }
      const hami = truth.nodes.find((n) => n.nodename === 'gpu-hami-node-1');
      expect(hami?.gpuHours).toBeGreaterThanOrEqual(1);
      expect(
        truth.nodes
          .filter((n) => n.gpuDevices > 0)
          .map((n) => n.gpuSharing)
          .sort(),
      ).toEqual(['hami', 'mig-mixed', 'none']);
    });
  });
});
