/**
 * Builds the demo cluster from a profile and a seed: nodes (some with GPUs), the namespaces
 * `kube-system`, `default`, `cluster-3` and the team ones, and the workloads running in them.
 */
import { APPS, GPU_DEVICE_MEGABYTES, GPU_MODEL, instantiate, sysContainerSpecs, type AppName } from './app-catalog';
import type { ClusterModel, NodeSpec, Workload } from './cluster-model';
import { hash32, SeededRandom, stringHash } from './prng';
import type { ResolvedOptions } from './simulation-options';
import { JobStreamWorkload, NotebookPoolWorkload, ReplicatedWorkload, type PodTemplate, type ReplicatedWorkloadSpec, type WorkloadContext } from './workloads';

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

export function buildCluster(options: ResolvedOptions): ClusterModel {
  const { seed, profile } = options;
  const rng = new SeededRandom(hash32(seed, stringHash('cluster')));
  const ctx: WorkloadContext = {
    seed,
    stepSeconds: options.stepSeconds,
    containerOnlyFraction: options.containerOnlyFraction,
  };

  const cpuNodes = Array.from({ length: profile.cpuNodes }, (_, i) => makeNode(seed, rng, `node-${i + 1}`, false));
  const gpuNodes = Array.from({ length: profile.gpuNodes }, (_, i) => makeNode(seed, rng, `gpu-node-${i + 1}`, true));
  const nodes = [...cpuNodes, ...gpuNodes];
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
      workloads.push(replicated('kube-system', 'nvidia-device-plugin', 'nvidia-device-plugin', 'daemonset', gpuNodes.length, gpuNodes));
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

  return { nodes, namespaces, workloads };
}

function makeNode(seed: number, rng: SeededRandom, name: string, gpu: boolean): NodeSpec {
  const id = hash32(seed, stringHash(name));
  const cores = gpu ? 32 : 16;
  const memoryGiB = gpu ? 256 : 64;
  const fsCapacityBytes = (gpu ? 1000 : 200) * 1_000_000_000;
  const labels = [`kubernetes.io/hostname:${name}`, 'kubernetes.io/os:linux', ...(gpu ? ['nvidia.com/gpu.present:true', `nvidia.com/gpu.product:${GPU_MODEL}`] : [])].join(',');
  return {
    id,
    name,
    labels,
    cpuCapacityMillicores: cores * 1000,
    cpuAllocatableMillicores: cores * 1000 - 500,
    memoryCapacityBytes: memoryGiB * GiB,
    memoryAllocatableBytes: (memoryGiB - 2) * GiB,
    gpuDevices: gpu ? 4 : 0,
    gpuDeviceMegabytes: gpu ? GPU_DEVICE_MEGABYTES : 0,
    gpuModel: gpu ? GPU_MODEL : '',
    fsCapacityBytes,
    fsBaseUsedBytes: Math.round(fsCapacityBytes * rng.range(0.1, 0.3)),
    // Odd seconds keep reboots off the scrape grid.
    bootPhaseSeconds: rng.int(0, 7 * DAY) * 2 + 1,
    rebootPeriodSeconds: 7 * DAY,
    sysContainers: sysContainerSpecs(seed, id),
    network: { rx: { base: rng.range(20_000, 200_000), daily: 0.3, noise: 0.3 }, txRatio: 0.5, errorRate: 0.001 },
  };
}
