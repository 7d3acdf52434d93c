/**
 * Builds the demo cluster from a profile and a seed: nodes (some with GPUs), the namespaces
 * `kube-system`, `default`, `cluster-3` and the team ones, and the workloads running in them.
 *
 * Everything added later (the MIG and HAMi nodes and their pods, the BestEffort toolbox) draws from
 * its own random stream and comes after the rest, so every earlier pod keeps its uid, name and draws.
 */
import { GPU_RESOURCE } from '@kube-monitoring/contract';

import { APPS, GPU_80GB_MEGABYTES, GPU_DEVICE_MEGABYTES, GPU_MODEL, HAMI_GPU_MODEL, instantiate, MIG_GPU_MODEL, sysContainerSpecs, type AppName } from './app-catalog';
import type { ClusterModel, GpuDevicePlacement, NodeSpec, Workload } from './cluster-model';
import { migDeviceUuid, nodeGpuUuid } from './gpu-devices';
import { hash32, SeededRandom, stringHash } from './prng';
import type { ResolvedOptions } from './simulation-options';
import { JobStreamWorkload, NotebookPoolWorkload, ReplicatedWorkload, SerialJobWorkload, type PodTemplate, type ReplicatedWorkloadSpec, type WorkloadContext } from './workloads';

const DAY = 86_400;
const GiB = 1024 * 1024 * 1024;
const NOTEBOOK_USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar'];

/** Services placed first, in this order, until the profile's `servicePods` are used up. */
const SERVICE_PLAN: ReadonlyArray<{ ns: string; app: AppName; kind: 'deployment' | 'statefulset'; replicas: number }> = [
  // The same pod name in two namespaces, on purpose: identity is (namespace, pod).
  { ns: 'default', app: 'postgres', kind: 'statefulset', replicas: 1 },
  { ns: 'cluster-3', app: 'postgres', kind: 'statefulset', replicas: 1 },
  { ns: 'default', app: 'web', kind: 'deployment', replicas: 2 },
  { ns: 'cluster-3', app: 'api', kind: 'deployment', replicas: 2 },
  { ns: 'default', app: 'redis', kind: 'statefulset', replicas: 1 },
  { ns: 'cluster-3', app: 'worker', kind: 'deployment', replicas: 1 },
  { ns: 'team:0', app: 'frontend', kind: 'deployment', replicas: 2 },
  { ns: 'team:1', app: 'mlflow', kind: 'deployment', replicas: 1 },
  { ns: 'team:0', app: 'api', kind: 'deployment', replicas: 2 },
  { ns: 'team:1', app: 'minio', kind: 'statefulset', replicas: 1 },
  { ns: 'team:2', app: 'label-studio', kind: 'deployment', replicas: 1 },
  { ns: 'team:3', app: 'worker', kind: 'deployment', replicas: 2 },
];
/** Cycled after the plan, for large profiles. */
const FILLER_APPS: readonly AppName[] = ['api', 'web', 'worker', 'frontend', 'redis'];

/** The GPUs of a node: what GPU Feature Discovery labels and the device plugin advertises. */
interface GpuNodeKind {
  devices: number;
  deviceMegabytes: number;
  model: string;
  allocatable: Readonly<Record<string, number>>;
  /** GFD labels besides `gpu.present`, `gpu.product` and `gpu.count`. */
  labels: readonly string[];
}

const WHOLE_GPUS: GpuNodeKind = { devices: 4, deviceMegabytes: GPU_DEVICE_MEGABYTES, model: GPU_MODEL, allocatable: { [GPU_RESOURCE]: 4 }, labels: [] };

/** One A100 80 GB, MIG mixed strategy: one 3g.40gb and four 1g.10gb instances (7 of 7 compute slices). */
const MIG_GPU: GpuNodeKind = {
  devices: 1,
  deviceMegabytes: GPU_80GB_MEGABYTES,
  model: MIG_GPU_MODEL,
  allocatable: { 'nvidia.com/mig-1g.10gb': 4, 'nvidia.com/mig-3g.40gb': 1 },
  labels: ['nvidia.com/mig.strategy:mixed', 'nvidia.com/mig-1g.10gb.count:4', 'nvidia.com/mig-3g.40gb.count:1'],
};
/** GPU instance ids (nvidia-smi's) of the MIG node's instances. */
const MIG_3G_INSTANCE = 2;
const MIG_1G_INSTANCES = [9, 10, 11, 12] as const;

/** HAMi's deviceSplitCount: vGPU slots a physical GPU advertises as `nvidia.com/gpu`. */
const HAMI_SPLIT_COUNT = 10;
/** Two H100 80 GB shared by HAMi. */
const HAMI_GPUS: GpuNodeKind = {
  devices: 2,
  deviceMegabytes: GPU_80GB_MEGABYTES,
  model: HAMI_GPU_MODEL,
  allocatable: { [GPU_RESOURCE]: 2 * HAMI_SPLIT_COUNT },
  labels: ['gpu:on'],
};

export function buildCluster(options: ResolvedOptions): ClusterModel {
  const { seed, profile } = options;
  const rng = new SeededRandom(hash32(seed, stringHash('cluster')));
  const ctx: WorkloadContext = {
    seed,
    stepSeconds: options.stepSeconds,
    containerOnlyFraction: options.containerOnlyFraction,
  };

  const cpuNodes = Array.from({ length: profile.cpuNodes }, (_, i) => makeNode(seed, rng, `node-${i + 1}`, undefined));
  const gpuNodes = Array.from({ length: profile.gpuNodes }, (_, i) => makeNode(seed, rng, `gpu-node-${i + 1}`, WHOLE_GPUS));
  // The GPU-sharing nodes draw from their own stream: the draws of everything else stay as they were.
  const sharing = new SeededRandom(hash32(seed, stringHash('gpu-sharing')));
  const migNode = profile.sharedGpuNodes ? makeNode(seed, sharing, 'gpu-mig-node-1', MIG_GPU) : undefined;
  const hamiNode = profile.sharedGpuNodes ? makeNode(seed, sharing, 'gpu-shared-node-1', HAMI_GPUS) : undefined;
  const sharedNodes = [migNode, hamiNode].filter((n): n is NodeSpec => n !== undefined);
  // After the others: a daemonset's earlier replicas keep their nodes.
  const nodes = [...cpuNodes, ...gpuNodes, ...sharedNodes];
  const serviceNodes = cpuNodes.length > 0 ? cpuNodes : gpuNodes;
  const teams = profile.teamNamespaces;
  const namespaces = ['default', 'kube-system', 'cluster-3', ...teams];
  const workloads: Workload[] = [];

  const template = (appName: AppName, ns: string): PodTemplate => {
    const appTemplate = APPS[appName];
    const labels = `app:${appTemplate.app},team:${ns}`;
    return (uid) => instantiate(seed, appTemplate, uid, labels);
  };
  const replicated = (ns: string, appName: string, base: AppName, kind: ReplicatedWorkloadSpec['kind'], replicas: number, on: readonly NodeSpec[]) =>
    new ReplicatedWorkload(ctx, {
      namespace: ns,
      app: appName,
      kind,
      replicas,
      nodes: on,
      template: template(base, ns),
      rolloutPeriodSeconds: Math.round(rng.range(3, 7) * DAY),
      rolloutPhaseSeconds: rng.int(0, 7 * DAY),
      restartsPerDay: profile.restartsPerPodPerDay,
    });

  if (profile.systemPods) {
    workloads.push(replicated('kube-system', 'kube-proxy', 'kube-proxy', 'daemonset', nodes.length, nodes));
    workloads.push(replicated('kube-system', 'coredns', 'coredns', 'deployment', 2, serviceNodes));
    workloads.push(replicated('kube-system', 'heapster', 'heapster', 'deployment', 1, serviceNodes));
    workloads.push(replicated('kube-system', 'monitoring-influxdb', 'monitoring-influxdb', 'statefulset', 1, serviceNodes));
    if (gpuNodes.length > 0) {
      // The NVIDIA device plugin also serves the MIG node (mixed strategy); HAMi brings its own.
      const pluginNodes = migNode ? [...gpuNodes, migNode] : gpuNodes;
      workloads.push(replicated('kube-system', 'nvidia-device-plugin', 'nvidia-device-plugin', 'daemonset', pluginNodes.length, pluginNodes));
    }
  }

  // Services: the plan first, then numbered copies of common apps spread over the team namespaces.
  // Plan entries `team:i` mean the i-th team namespace (cluster-3 when the profile has none).
  const resolveNamespace = (ns: string) => (!ns.startsWith('team:') ? ns : teams.length > 0 ? teams[Number(ns.slice(5)) % teams.length] : 'cluster-3');
  let remaining = profile.servicePods;
  const seen = new Set<string>();
  for (let i = 0; remaining > 0; i++) {
    const planned = i < SERVICE_PLAN.length ? SERVICE_PLAN[i] : undefined;
    const round = Math.floor((i - SERVICE_PLAN.length) / FILLER_APPS.length) + 2;
    const base: AppName = planned ? planned.app : FILLER_APPS[(i - SERVICE_PLAN.length) % FILLER_APPS.length];
    const ns = planned ? resolveNamespace(planned.ns) : [...teams, 'cluster-3', 'default'][i % (teams.length + 2)];
    let appName: string = planned ? planned.app : `${base}-${round}`;
    while (seen.has(`${ns}/${appName}`)) appName = `${appName}-x`;
    seen.add(`${ns}/${appName}`);
    const replicas = Math.min(remaining, planned ? planned.replicas : rng.int(1, 4));
    workloads.push(replicated(ns, appName, base, planned ? planned.kind : 'deployment', replicas, serviceNodes));
    remaining -= replicas;
  }

  // Jobs: CPU jobs over cluster-3 and the teams; GPU jobs over the labs (or cluster-3) on GPU nodes.
  const jobNamespaces = ['cluster-3', ...teams];
  if (profile.batchJobsPerDay > 0 && cpuNodes.length > 0) {
    for (const ns of jobNamespaces) {
      workloads.push(
        new JobStreamWorkload(ctx, {
          namespace: ns,
          kind: 'batch-job',
          prefixes: ['etl', 'preprocess', 'evaluate', 'sweep', 'report'],
          jobsPerDay: profile.batchJobsPerDay / jobNamespaces.length,
          minSeconds: 5 * 60,
          maxSeconds: 3 * 3600,
          nodes: cpuNodes,
          template: template('batch-job', ns),
        }),
      );
    }
  }
  const labs = teams.filter((ns) => ns.startsWith('lab-'));
  const gpuNamespaces = labs.length > 0 ? [...labs, 'cluster-3'] : ['cluster-3'];
  if (profile.gpuJobsPerDay > 0 && gpuNodes.length > 0) {
    for (const ns of gpuNamespaces) {
      workloads.push(
        new JobStreamWorkload(ctx, {
          namespace: ns,
          kind: 'gpu-job',
          prefixes: ['train-resnet50', 'train-bert', 'finetune-llama', 'train-yolo'],
          jobsPerDay: profile.gpuJobsPerDay / gpuNamespaces.length,
          minSeconds: 30 * 60,
          maxSeconds: 12 * 3600,
          nodes: gpuNodes,
          template: template('gpu-job', ns),
        }),
      );
    }
  }

  // Notebooks in courses and the first lab: `jupyter-alice` exists in both namespaces.
  const notebookNamespaces = [...teams.filter((ns) => ns.startsWith('course-')), ...labs.slice(0, 1)];
  if (profile.notebookUsers > 0) {
    for (const ns of notebookNamespaces.length > 0 ? notebookNamespaces : ['default']) {
      workloads.push(
        new NotebookPoolWorkload(ctx, {
          namespace: ns,
          users: NOTEBOOK_USERS.slice(0, Math.min(profile.notebookUsers, NOTEBOOK_USERS.length)),
          nodes: serviceNodes,
          template: template('notebook', ns),
        }),
      );
    }
  }

  // Long lives only: a pod's figures are checked within 0.5 %, and a short one with a lost scrape can miss that.
  const shared = (ns: string, app: string, base: AppName, kind: 'deployment' | 'statefulset', replicas: number, on: NodeSpec, gpus?: (slot: number) => GpuDevicePlacement[]) =>
    new ReplicatedWorkload(ctx, {
      namespace: ns,
      app,
      kind,
      replicas,
      nodes: [on],
      template: gpus ? placed(template(base, ns), gpus) : template(base, ns),
      rolloutPeriodSeconds: Math.round(sharing.range(3, 7) * DAY),
      rolloutPhaseSeconds: sharing.int(0, 7 * DAY),
      restartsPerDay: profile.restartsPerPodPerDay,
      // A GPU share is not there twice: the old pod goes before the new one comes.
      strategy: 'Recreate',
    });
  const migNamespace = labs[0] ?? 'cluster-3';
  const hamiNamespace = labs.includes('lab-nlp') ? 'lab-nlp' : migNamespace;
  if (migNode) {
    const gpu0 = { index: 0, uuid: nodeGpuUuid(migNode.id, 0) };
    const instance = (profile: string, id: number): GpuDevicePlacement => ({ ...gpu0, mig: { profile, instanceId: id, uuid: migDeviceUuid(migNode.id, 0, id) } });
    // One training job at a time on the 3g.40gb instance, 4 to 6.5 hours each, one per 8 hours.
    workloads.push(
      new SerialJobWorkload(ctx, {
        namespace: migNamespace,
        kind: 'gpu-job',
        prefix: 'mig-train',
        periodSeconds: 8 * 3600,
        minSeconds: 4 * 3600,
        maxSeconds: 6.5 * 3600,
        node: migNode,
        template: placed(template('mig-train', migNamespace), () => [instance('3g.40gb', MIG_3G_INSTANCE)]),
      }),
    );
    // Inference servers, ordinal i on 1g.10gb instance i: four at once, at most.
    workloads.push(shared(migNamespace, 'mig-infer', 'mig-infer', 'statefulset', MIG_1G_INSTANCES.length, migNode, (slot) => [instance('1g.10gb', MIG_1G_INSTANCES[slot])]));
  }
  if (hamiNode) {
    const gpu = (index: number) => () => [{ index, uuid: nodeGpuUuid(hamiNode.id, index) }];
    // GPU 0: four replicas at 25 % each; GPU 1: one at 50 %, its other half unallocated.
    workloads.push(shared(hamiNamespace, 'llm-serve', 'llm-serve', 'deployment', 4, hamiNode, gpu(0)));
    workloads.push(shared(hamiNamespace, 'embedder', 'embedder', 'deployment', 1, hamiNode, gpu(1)));
    if (profile.systemPods) {
      workloads.push(
        new ReplicatedWorkload(ctx, {
          namespace: 'kube-system',
          app: 'hami-device-plugin',
          kind: 'daemonset',
          replicas: 1,
          nodes: [hamiNode],
          template: template('hami-device-plugin', 'kube-system'),
          rolloutPeriodSeconds: Math.round(sharing.range(3, 7) * DAY),
          rolloutPhaseSeconds: sharing.int(0, 7 * DAY),
          restartsPerDay: profile.restartsPerPodPerDay,
        }),
      );
    }
  }
  // BestEffort pods (no requests, no limits) in a tenant namespace: billed by what they use only.
  if (profile.bestEffortPods > 0) {
    workloads.push(
      new ReplicatedWorkload(ctx, {
        namespace: 'default',
        app: 'toolbox',
        kind: 'deployment',
        replicas: profile.bestEffortPods,
        nodes: serviceNodes,
        template: template('toolbox', 'default'),
        rolloutPeriodSeconds: Math.round(sharing.range(3, 7) * DAY),
        rolloutPhaseSeconds: sharing.int(0, 7 * DAY),
        restartsPerDay: profile.restartsPerPodPerDay,
      }),
    );
  }

  return { nodes, namespaces, workloads };
}

/** A template whose GPU containers sit on the devices `gpus(slot)` gives (the replica's MIG instance, the shared GPU). */
function placed(base: PodTemplate, gpus: (slot: number) => GpuDevicePlacement[]): PodTemplate {
  return (uid, slot = 0) => {
    const parts = base(uid, slot);
    return { ...parts, containers: parts.containers.map((c) => (c.gpu ? { ...c, gpu: { ...c.gpu, placement: gpus(slot) } } : c)) };
  };
}

function makeNode(seed: number, rng: SeededRandom, name: string, gpu: GpuNodeKind | undefined): NodeSpec {
  const id = hash32(seed, stringHash(name));
  const cores = gpu ? 32 : 16;
  const memoryGiB = gpu ? 256 : 64;
  const fsCapacityBytes = (gpu ? 1000 : 200) * 1_000_000_000;
  // GPU Feature Discovery's labels: what a collector reads a node's GPUs from.
  const gpuLabels = gpu ? ['nvidia.com/gpu.present:true', `nvidia.com/gpu.product:${gpu.model}`, `nvidia.com/gpu.count:${gpu.devices}`, ...gpu.labels] : [];
  const labels = [`kubernetes.io/hostname:${name}`, 'kubernetes.io/os:linux', ...gpuLabels].join(',');
  return {
    id,
    name,
    labels,
    cpuCapacityMillicores: cores * 1000,
    cpuAllocatableMillicores: cores * 1000 - 500,
    memoryCapacityBytes: memoryGiB * GiB,
    memoryAllocatableBytes: (memoryGiB - 2) * GiB,
    gpuDevices: gpu?.devices ?? 0,
    gpuDeviceMegabytes: gpu?.deviceMegabytes ?? 0,
    gpuModel: gpu?.model ?? '',
    gpuAllocatable: gpu?.allocatable ?? {},
    fsCapacityBytes,
    fsBaseUsedBytes: Math.round(fsCapacityBytes * rng.range(0.1, 0.3)),
    // Odd seconds keep reboots off the scrape grid.
    bootPhaseSeconds: rng.int(0, 7 * DAY) * 2 + 1,
    rebootPeriodSeconds: 7 * DAY,
    sysContainers: sysContainerSpecs(seed, id),
    network: { rx: { base: rng.range(20_000, 200_000), daily: 0.3, noise: 0.3 }, txRatio: 0.5, errorRate: 0.001 },
  };
}
