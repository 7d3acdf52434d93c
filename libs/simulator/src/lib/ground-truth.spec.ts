import { at, hours, T0 } from '../testing/spec-helpers';
import type { ClusterModel, ContainerSpec, NodeSpec, PodLife, PodSpec } from './cluster-model';
import { overlaps } from './cluster-model';
import { ClusterSimulator } from './cluster-simulator';
import { computeGroundTruth } from './ground-truth';
import { ScrapeSchedule } from './scrape-schedule';
import { UsageModel } from './usage-model';
import { WindowIntegrator } from './window-integrator';

const STEP = 60;
const FROM = T0.getTime() / 1000;
const TO = FROM + hours(6);
const GiB = 2 ** 30;

function node(name: string, gpuDevices: number): NodeSpec {
  return {
    id: name.length,
    name,
    labels: '',
    cpuCapacityMillicores: 32_000,
    cpuAllocatableMillicores: 31_500,
    memoryCapacityBytes: 256 * GiB,
    memoryAllocatableBytes: 254 * GiB,
    gpuDevices,
    gpuDeviceMegabytes: 81_920,
    gpuModel: 'NVIDIA-A100-SXM4-80GB',
    gpuAllocatable: {},
    fsCapacityBytes: 1e12,
    fsBaseUsedBytes: 1e11,
    bootPhaseSeconds: 1,
    rebootPeriodSeconds: 7 * 86_400,
    sysContainers: [],
    network: { rx: { base: 0, daily: 0, noise: 0 }, txRatio: 0, errorRate: 0 },
  };
}

function container(id: number, requests: [cpu: number, memory: number], extendedRequests?: Record<string, number>, limits: [number, number] = [0, 0]): ContainerSpec {
  return {
    id,
    name: `c${id}`,
    image: 'app:1',
    cpu: { base: 400, daily: 0, noise: 0.5 },
    memory: { base: GiB, daily: 0, noise: 0.2, growthPerHour: 0 },
    requests: { cpuMillicores: requests[0], memoryBytes: requests[1] },
    ...(extendedRequests ? { extendedRequests } : {}),
    limits: { cpuMillicores: limits[0], memoryBytes: limits[1] },
    rampSeconds: 0,
    pageFaultsPerCore: 10,
    rootfsBaseBytes: 0,
    rootfsGrowthPerHour: 0,
  };
}

function life(namespace: string, name: string, on: NodeSpec, containers: ContainerSpec[], start: number, stop: number): PodLife {
  const pod: PodSpec = {
    uid: name.length * 7919,
    namespace,
    name,
    node: on,
    kind: 'deployment',
    labels: '',
    containers,
    network: on.network,
    volume: { name: 'Volume:v', capacityBytes: GiB, baseUsedBytes: 0 },
    withPodSeries: true,
  };
  return { id: `${namespace}/${name}#0`, pod, start, stop };
}

function truthOf(nodes: NodeSpec[], lives: PodLife[], jitterSeconds = 0) {
  const model: ClusterModel = {
    nodes,
    namespaces: [...new Set(lives.map((l) => l.pod.namespace))],
    workloads: [{ namespace: 'any', maxLifeSeconds: 86_400, collectLives: (a, b, out) => out.push(...lives.filter((l) => overlaps(l, a, b))) }],
  };
  const integrator = new WindowIntegrator(new UsageModel(7, STEP));
  return computeGroundTruth(model, integrator, new ScrapeSchedule(STEP, jitterSeconds, 7), FROM, TO, []);
}

describe('ground truth of allocations', () => {
  const mig = node('gpu-mig-node-1', 1);
  const hami = node('gpu-shared-node-1', 2);
  const cpu = node('node-1', 0);
  const hour = (h: number) => FROM + hours(h);
  const hamiShare = { 'nvidia.com/gpu': 1, 'nvidia.com/gpucores': 25, 'nvidia.com/gpumem-percentage': 25 };
  const lives = [
    // A 3g.40gb MIG instance for one hour.
    life('lab-vision', 'mig-train-1', mig, [container(1, [4000, 16 * GiB], { 'nvidia.com/mig-3g.40gb': 1 })], hour(1), hour(2)),
    // Four HAMi pods at 25 % of one GPU for one hour.
    ...[0, 1, 2, 3].map((i) => life('lab-nlp', `llm-serve-${i}`, hami, [container(10 + i, [2000, 16 * GiB], hamiShare)], hour(2), hour(3))),
    // BestEffort: no requests, no limits.
    life('default', 'toolbox-1', cpu, [container(20, [0, 0])], hour(0), hour(6)),
    // Started before the period, two containers, one with limits: clipped to [from, to).
    life('default', 'web-1', cpu, [container(30, [700, 512 * 2 ** 20], undefined, [1000, GiB]), container(31, [10, 32 * 2 ** 20])], FROM - 1800, hour(1) + 17),
  ];
  const truth = truthOf([cpu, hami, mig], lives);
  const pod = (name: string) => truth.pods.find((p) => p.pod_name === name);
  const ns = (name: string) => truth.namespaces.find((n) => n.namespace_name === name);

  it('should count a 3g MIG instance held for an hour as 3/7 GPU-hour', () => {
    expect(pod('mig-train-1')?.gpuHours).toBeCloseTo(3 / 7, 12);
    expect(pod('mig-train-1')?.cpuRequestCoreHours).toBe(4);
    expect(pod('mig-train-1')?.memoryRequestGibHours).toBe(16);
  });

  it('should count four HAMi pods at 25 % for an hour as one GPU-hour', () => {
    expect(pod('llm-serve-0')?.gpuHours).toBe(0.25);
    expect(ns('lab-nlp')?.gpuHours).toBe(1);
    expect(ns('lab-nlp')?.cpuRequestCoreHours).toBe(8);
  });

  it('should give a BestEffort pod no request or limit hours, and say it has no requests', () => {
    expect(pod('toolbox-1')).toMatchObject({ cpuRequestCoreHours: 0, memoryRequestGibHours: 0, cpuLimitCoreHours: 0, memoryLimitGibHours: 0, gpuHours: 0, hasRequests: false });
    expect(pod('web-1')?.hasRequests).toBe(true);
    expect(ns('default')?.hasRequests).toBe(true);
  });

  it('should clip requests and limits to the period and the life, exactly', () => {
    const seconds = hours(1) + 17;
    expect(pod('web-1')?.cpuRequestCoreHours).toBe((710 * seconds) / 1000 / 3600);
    expect(pod('web-1')?.memoryRequestGibHours).toBe((544 * 2 ** 20 * seconds) / GiB / 3600);
    expect(pod('web-1')?.cpuLimitCoreHours).toBe(seconds / 3600);
    expect(pod('web-1')?.memoryLimitGibHours).toBe(seconds / 3600);
  });

  it("should give each node its allocatable and GPUs over the period, and its pods' requests", () => {
    const nodes = Object.fromEntries(truth.nodes.map((n) => [n.node, n]));
    expect(truth.nodes.map((n) => n.node)).toEqual(['gpu-mig-node-1', 'gpu-shared-node-1', 'node-1']);
    expect(nodes['gpu-shared-node-1']).toEqual({
      node: 'gpu-shared-node-1',
      cpuAllocatableCoreHours: 31.5 * 6,
      memoryAllocatableGibHours: 254 * 6,
      gpuDevices: 2,
      gpuDeviceHours: 12,
      cpuRequestCoreHours: 8,
      memoryRequestGibHours: 64,
      gpuHours: 1,
    });
    expect(nodes['gpu-mig-node-1']?.gpuDeviceHours).toBe(6);
    expect(nodes['gpu-mig-node-1']?.gpuHours).toBeCloseTo(3 / 7, 12);
    expect(nodes['node-1']).toMatchObject({ gpuDevices: 0, gpuDeviceHours: 0, gpuHours: 0, cpuRequestCoreHours: pod('web-1')?.cpuRequestCoreHours });
  });

  it.each([0, 7])('should bill the max basis at least the usage and the request, at most their sum (jitter %i s)', (jitter) => {
    const t = jitter === 0 ? truth : truthOf([cpu, hami, mig], lives, jitter);
    for (const p of t.pods) {
      const label = `${p.namespace_name}/${p.pod_name}`;
      expect([label, p.cpuMaxCoreHours >= Math.max(p.cpuCoreHours, p.cpuRequestCoreHours) - 1e-12]).toEqual([label, true]);
      expect([label, p.cpuMaxCoreHours <= p.cpuCoreHours + p.cpuRequestCoreHours + 1e-12]).toEqual([label, true]);
      expect([label, p.memoryMaxGibHours >= Math.max(p.memoryGibHours, p.memoryRequestGibHours) - 1e-12]).toEqual([label, true]);
    }
    // No request: the basis is the usage, exactly; a request above any usage: the request, exactly.
    const toolbox = t.pods.find((p) => p.pod_name === 'toolbox-1');
    expect(toolbox?.cpuMaxCoreHours).toBe(toolbox?.cpuCoreHours);
    expect(toolbox?.memoryMaxGibHours).toBe(toolbox?.memoryGibHours);
    const train = t.pods.find((p) => p.pod_name === 'mig-train-1');
    expect(train?.cpuMaxCoreHours).toBe(train?.cpuRequestCoreHours);
    // Usage (400–1200 millicores) around the request (710): the basis lies strictly above both.
    const web = t.pods.find((p) => p.pod_name === 'web-1');
    expect(web?.cpuMaxCoreHours).toBeGreaterThan(Math.max(web?.cpuCoreHours ?? 0, web?.cpuRequestCoreHours ?? 0));
  });
});

describe('ground truth of the simulated cluster', () => {
  const sim = new ClusterSimulator({ profile: 'tiny', seed: 11, adversarial: { jitterSeconds: 5 } });
  const truth = sim.groundTruth({ from: at(T0, -hours(12)), to: T0 });

  it('should add the pods up to their namespaces and to their nodes', () => {
    for (const n of truth.namespaces) {
      const pods = truth.pods.filter((p) => p.namespace_name === n.namespace_name);
      for (const f of ['cpuRequestCoreHours', 'memoryRequestGibHours', 'cpuLimitCoreHours', 'gpuHours', 'cpuMaxCoreHours', 'memoryMaxGibHours'] as const) {
        expect([n.namespace_name, f, n[f]]).toEqual([
          n.namespace_name,
          f,
          expect.closeTo(
            pods.reduce((s, p) => s + p[f], 0),
            9,
          ),
        ]);
      }
    }
    expect(truth.nodes.map((n) => n.node)).toEqual(sim.model.nodes.map((n) => n.name).sort());
    const podsGpu = truth.pods.reduce((s, p) => s + p.gpuHours, 0);
    expect(truth.nodes.reduce((s, n) => s + n.gpuHours, 0)).toBeCloseTo(podsGpu, 9);
    expect(truth.nodes.reduce((s, n) => s + n.cpuRequestCoreHours, 0)).toBeCloseTo(
      truth.pods.reduce((s, p) => s + p.cpuRequestCoreHours, 0),
      9,
    );
  });

  it('should never allocate more GPU than a node has: MIG 7 of 7 slices, HAMi one GPU and a half', () => {
    const nodes = Object.fromEntries(truth.nodes.map((n) => [n.node, n]));
    expect(nodes['gpu-mig-node-1']?.gpuDeviceHours).toBe(12);
    expect(nodes['gpu-mig-node-1']?.gpuHours).toBeLessThanOrEqual(12 + 1e-9);
    expect(nodes['gpu-mig-node-1']?.gpuHours).toBeGreaterThan(6);
    expect(nodes['gpu-shared-node-1']?.gpuDeviceHours).toBe(24);
    expect(nodes['gpu-shared-node-1']?.gpuHours).toBeLessThanOrEqual(18 + 1e-9);
    expect(truth.pods.filter((p) => p.pod_name.startsWith('toolbox-')).every((p) => !p.hasRequests && p.cpuRequestCoreHours === 0)).toBe(true);
    expect(truth.pods.some((p) => p.pod_name.startsWith('toolbox-'))).toBe(true);
  });

  it('should bill the max basis at least the usage and the request of every pod', () => {
    for (const p of truth.pods) {
      expect([p.pod_name, p.cpuMaxCoreHours + 1e-12 >= Math.max(p.cpuCoreHours, p.cpuRequestCoreHours)]).toEqual([p.pod_name, true]);
      expect([p.pod_name, p.memoryMaxGibHours + 1e-12 >= Math.max(p.memoryGibHours, p.memoryRequestGibHours)]).toEqual([p.pod_name, true]);
    }
  });
});
