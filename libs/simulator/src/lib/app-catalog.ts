/**
 * The applications that run on the simulated cluster: images, usage ranges, requests and limits.
 * Each pod instance draws its own levels inside these ranges from its uid.
 */
import { GPU_RESOURCE } from '@kube-monitoring/contract';

import type { ContainerSpec, NetworkShape, PodSpec } from './cluster-model';
import { hash32, SeededRandom } from './prng';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** A100 40 GB, in the MB the site's `gpu/usage` metric uses. */
export const GPU_DEVICE_MEGABYTES = 40_960;
export const GPU_MODEL = 'NVIDIA-A100-SXM4-40GB';
/** The MIG node's GPU (its memory in the same MB). */
export const MIG_GPU_MODEL = 'NVIDIA-A100-SXM4-80GB';
/** The HAMi node's GPUs. */
export const HAMI_GPU_MODEL = 'NVIDIA-H100-80GB-HBM3';
export const GPU_80GB_MEGABYTES = 81_920;

export interface ContainerTemplate {
  name: string;
  image: string;
  /** Typical millicores, drawn per pod in [min, max]. */
  cpu: readonly [number, number];
  cpuDaily: number;
  cpuNoise: number;
  memoryMiB: readonly [number, number];
  memoryDaily?: number;
  growthMiBPerHour?: readonly [number, number];
  /** [millicores, MiB]; 0 = unset. */
  requests: readonly [number, number];
  limits: readonly [number, number];
  /**
   * GPU devices and the share of their memory used. `deviceMegabytes` (default a whole A100 40 GB) is
   * what one device offers: a MIG instance's memory, or a HAMi slice's share. `noise` default 0.08.
   */
  gpu?: { devices: readonly [number, number]; fill: readonly [number, number]; deviceMegabytes?: number; model?: string; noise?: number };
  /** Extended-resource requests; default for a GPU container `nvidia.com/gpu` = its devices. */
  extendedRequests?: Readonly<Record<string, number>>;
  rampSeconds?: readonly [number, number];
}

export interface AppTemplate {
  app: string;
  containers: readonly ContainerTemplate[];
  /** Received bytes per second, drawn per pod in [min, max]. */
  rxBytesPerSecond: readonly [number, number];
  volumeGiB: number;
}

const sidecarLogs: ContainerTemplate = {
  name: 'log-shipper',
  image: 'fluent/fluent-bit:2.2.2',
  cpu: [4, 20],
  cpuDaily: 0.5,
  cpuNoise: 0.3,
  memoryMiB: [18, 40],
  requests: [10, 32],
  limits: [0, 0],
};

export const APPS = {
  web: app('web', [300_000, 3_000_000], 1, [
    { name: 'web', image: 'nginx:1.25.4', cpu: [40, 250], cpuDaily: 0.7, cpuNoise: 0.25, memoryMiB: [60, 180], requests: [100, 128], limits: [500, 256] },
    sidecarLogs,
  ]),
  api: app('api', [100_000, 1_500_000], 1, [
    {
      name: 'api',
      image: 'python:3.12-slim',
      cpu: [100, 600],
      cpuDaily: 0.6,
      cpuNoise: 0.3,
      memoryMiB: [250, 700],
      growthMiBPerHour: [0.5, 4],
      requests: [250, 512],
      limits: [1000, 1024],
    },
  ]),
  worker: app('worker', [50_000, 400_000], 1, [
    { name: 'worker', image: 'python:3.12-slim', cpu: [200, 900], cpuDaily: 0.3, cpuNoise: 0.35, memoryMiB: [300, 800], requests: [500, 1024], limits: [2000, 2048] },
  ]),
  frontend: app('frontend', [200_000, 2_000_000], 1, [
    { name: 'frontend', image: 'node:20-alpine', cpu: [30, 300], cpuDaily: 0.8, cpuNoise: 0.25, memoryMiB: [120, 300], requests: [100, 256], limits: [500, 512] },
  ]),
  postgres: app('postgres', [80_000, 600_000], 20, [
    {
      name: 'postgres',
      image: 'postgres:16.2',
      cpu: [50, 400],
      cpuDaily: 0.5,
      cpuNoise: 0.3,
      memoryMiB: [800, 2500],
      growthMiBPerHour: [2, 12],
      requests: [500, 2048],
      limits: [2000, 4096],
    },
    {
      name: 'exporter',
      image: 'prometheuscommunity/postgres-exporter:v0.15.0',
      cpu: [3, 12],
      cpuDaily: 0.1,
      cpuNoise: 0.3,
      memoryMiB: [15, 30],
      requests: [10, 32],
      limits: [100, 64],
    },
  ]),
  redis: app('redis', [50_000, 500_000], 5, [
    { name: 'redis', image: 'redis:7.2', cpu: [20, 120], cpuDaily: 0.5, cpuNoise: 0.3, memoryMiB: [100, 400], requests: [100, 256], limits: [500, 1024] },
  ]),
  mlflow: app('mlflow', [20_000, 200_000], 10, [
    { name: 'mlflow', image: 'ghcr.io/mlflow/mlflow:v2.11.1', cpu: [20, 200], cpuDaily: 0.6, cpuNoise: 0.4, memoryMiB: [300, 600], requests: [200, 512], limits: [1000, 1024] },
  ]),
  minio: app('minio', [100_000, 5_000_000], 50, [
    {
      name: 'minio',
      image: 'minio/minio:RELEASE.2024-03-15T01-07-19Z',
      cpu: [30, 300],
      cpuDaily: 0.4,
      cpuNoise: 0.4,
      memoryMiB: [400, 1200],
      requests: [250, 1024],
      limits: [0, 2048],
    },
  ]),
  'label-studio': app('label-studio', [20_000, 300_000], 5, [
    {
      name: 'label-studio',
      image: 'heartexlabs/label-studio:1.11.0',
      cpu: [20, 250],
      cpuDaily: 0.8,
      cpuNoise: 0.4,
      memoryMiB: [400, 900],
      requests: [200, 512],
      limits: [1000, 2048],
    },
  ]),
  'kube-proxy': app('kube-proxy', [5_000, 40_000], 0, [
    { name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.29.2', cpu: [5, 30], cpuDaily: 0.3, cpuNoise: 0.3, memoryMiB: [25, 50], requests: [0, 0], limits: [0, 0] },
  ]),
  coredns: app('coredns', [10_000, 80_000], 0, [
    { name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1', cpu: [5, 40], cpuDaily: 0.4, cpuNoise: 0.3, memoryMiB: [20, 50], requests: [100, 70], limits: [0, 170] },
  ]),
  heapster: app('heapster', [20_000, 100_000], 0, [
    { name: 'heapster', image: 'k8s.gcr.io/heapster-amd64:v1.5.4', cpu: [10, 60], cpuDaily: 0.2, cpuNoise: 0.3, memoryMiB: [60, 200], requests: [100, 128], limits: [500, 512] },
  ]),
  'monitoring-influxdb': app('monitoring-influxdb', [50_000, 300_000], 20, [
    {
      name: 'influxdb',
      image: 'influxdb:1.6.7',
      cpu: [50, 300],
      cpuDaily: 0.3,
      cpuNoise: 0.3,
      memoryMiB: [300, 1500],
      growthMiBPerHour: [1, 6],
      requests: [250, 1024],
      limits: [2000, 4096],
    },
  ]),
  'nvidia-device-plugin': app('nvidia-device-plugin', [1_000, 5_000], 0, [
    {
      name: 'nvidia-device-plugin-ctr',
      image: 'nvcr.io/nvidia/k8s-device-plugin:v0.14.5',
      cpu: [1, 5],
      cpuDaily: 0,
      cpuNoise: 0.3,
      memoryMiB: [15, 30],
      requests: [0, 0],
      limits: [0, 0],
    },
  ]),
  'hami-device-plugin': app('hami-device-plugin', [1_000, 5_000], 0, [
    { name: 'device-plugin', image: 'projecthami/hami:v2.3.12', cpu: [1, 5], cpuDaily: 0, cpuNoise: 0.3, memoryMiB: [20, 40], requests: [0, 0], limits: [0, 0] },
  ]),
  'batch-job': app('batch-job', [10_000, 2_000_000], 5, [
    {
      name: 'job',
      image: 'python:3.12',
      cpu: [800, 3500],
      cpuDaily: 0,
      cpuNoise: 0.15,
      memoryMiB: [500, 6000],
      requests: [1000, 2048],
      limits: [4000, 8192],
      rampSeconds: [60, 300],
    },
  ]),
  'gpu-job': app('gpu-job', [50_000, 20_000_000], 50, [
    {
      name: 'trainer',
      image: 'pytorch/pytorch:2.2.1-cuda12.1-cudnn8-runtime',
      cpu: [1500, 6000],
      cpuDaily: 0,
      cpuNoise: 0.2,
      memoryMiB: [6000, 24000],
      requests: [4000, 16384],
      limits: [8000, 32768],
      gpu: { devices: [1, 2], fill: [0.35, 0.95] },
      rampSeconds: [120, 600],
    },
  ]),
  notebook: app('notebook', [5_000, 500_000], 10, [
    {
      name: 'notebook',
      image: 'jupyter/scipy-notebook:2024-03-14',
      cpu: [50, 1500],
      cpuDaily: 0.3,
      cpuNoise: 0.6,
      memoryMiB: [500, 4000],
      growthMiBPerHour: [20, 100],
      requests: [500, 1024],
      limits: [2000, 6144],
    },
  ]),
  // The MIG node's workloads: one 3g.40gb training job at a time, inference on the 1g.10gb instances.
  'mig-train': app('mig-train', [50_000, 5_000_000], 50, [
    {
      name: 'trainer',
      image: 'pytorch/pytorch:2.2.1-cuda12.1-cudnn8-runtime',
      cpu: [1500, 4000],
      cpuDaily: 0,
      cpuNoise: 0.2,
      memoryMiB: [8000, 20000],
      requests: [4000, 16384],
      limits: [8000, 32768],
      // A training job holds its memory (the allocator's cache): little noise.
      gpu: { devices: [1, 1], fill: [0.55, 0.9], deviceMegabytes: 40 * 1024, model: MIG_GPU_MODEL, noise: 0.03 },
      extendedRequests: { 'nvidia.com/mig-3g.40gb': 1 },
      rampSeconds: [120, 600],
    },
  ]),
  'mig-infer': app('mig-infer', [20_000, 500_000], 5, [
    {
      name: 'server',
      image: 'nvcr.io/nvidia/tritonserver:24.03-py3',
      cpu: [200, 800],
      cpuDaily: 0.6,
      cpuNoise: 0.3,
      memoryMiB: [2000, 4000],
      requests: [500, 4096],
      limits: [2000, 8192],
      gpu: { devices: [1, 1], fill: [0.4, 0.85], deviceMegabytes: 10 * 1024, model: MIG_GPU_MODEL, noise: 0.03 },
      extendedRequests: { 'nvidia.com/mig-1g.10gb': 1 },
    },
  ]),
  // The HAMi node's workloads: four replicas sharing one GPU at 25 % each, one at 50 % of another.
  'llm-serve': app('llm-serve', [50_000, 2_000_000], 0, [
    {
      name: 'vllm',
      image: 'vllm/vllm-openai:v0.4.0',
      cpu: [500, 2000],
      cpuDaily: 0.6,
      cpuNoise: 0.3,
      memoryMiB: [6000, 12000],
      requests: [2000, 16384],
      limits: [4000, 24576],
      // vLLM takes its memory share up front: nearly constant, within HAMi's 25 %.
      gpu: { devices: [1, 1], fill: [0.75, 0.95], deviceMegabytes: GPU_80GB_MEGABYTES / 4, model: HAMI_GPU_MODEL, noise: 0.02 },
      extendedRequests: { [GPU_RESOURCE]: 1, 'nvidia.com/gpucores': 25, 'nvidia.com/gpumem-percentage': 25 },
    },
  ]),
  embedder: app('embedder', [20_000, 1_000_000], 0, [
    {
      name: 'embedder',
      image: 'ghcr.io/huggingface/text-embeddings-inference:1.2',
      cpu: [200, 1000],
      cpuDaily: 0.6,
      cpuNoise: 0.3,
      memoryMiB: [2000, 5000],
      requests: [1000, 8192],
      limits: [2000, 12288],
      gpu: { devices: [1, 1], fill: [0.3, 0.7], deviceMegabytes: GPU_80GB_MEGABYTES / 2, model: HAMI_GPU_MODEL, noise: 0.03 },
      extendedRequests: { [GPU_RESOURCE]: 1, 'nvidia.com/gpucores': 50, 'nvidia.com/gpumem-percentage': 50 },
    },
  ]),
  // BestEffort: no requests, no limits at all.
  toolbox: app('toolbox', [1_000, 20_000], 0, [
    { name: 'toolbox', image: 'nicolaka/netshoot:v0.12', cpu: [2, 30], cpuDaily: 0.2, cpuNoise: 0.5, memoryMiB: [10, 60], requests: [0, 0], limits: [0, 0] },
  ]),
} as const satisfies Record<string, AppTemplate>;

export type AppName = keyof typeof APPS;

function app(name: string, rx: readonly [number, number], volumeGiB: number, containers: readonly ContainerTemplate[]): AppTemplate {
  return { app: name, containers, rxBytesPerSecond: rx, volumeGiB };
}

/** Per-instance specs: each pod draws its own levels from the template's ranges. */
export function instantiate(seed: number, template: AppTemplate, uid: number, labels: string): Pick<PodSpec, 'containers' | 'network' | 'volume' | 'labels'> {
  const rng = new SeededRandom(hash32(seed, uid, 0x51a7));
  const containers = template.containers.map((t, index) => containerSpec(rng, t, hash32(seed, uid, index + 1)));
  const network: NetworkShape = {
    rx: { base: rng.range(template.rxBytesPerSecond[0], template.rxBytesPerSecond[1]), daily: 0.6, noise: 0.4 },
    txRatio: rng.range(0.2, 1.5),
    errorRate: 0.002,
  };
  const capacityBytes = Math.max(1, template.volumeGiB) * GiB;
  const volume = {
    name: template.volumeGiB > 0 ? `Volume:${template.app}-data` : `Volume:default-token-${(uid % 100_000).toString(36)}`,
    capacityBytes,
    baseUsedBytes: Math.round(capacityBytes * rng.range(0.05, 0.6)),
  };
  return { containers, network, volume, labels };
}

function containerSpec(rng: SeededRandom, t: ContainerTemplate, id: number): ContainerSpec {
  const growth = t.growthMiBPerHour ? rng.range(t.growthMiBPerHour[0], t.growthMiBPerHour[1]) * MiB : 0;
  const devices = t.gpu ? rng.int(t.gpu.devices[0], t.gpu.devices[1]) : 0;
  return {
    id,
    name: t.name,
    image: t.image,
    cpu: { base: rng.range(t.cpu[0], t.cpu[1]), daily: t.cpuDaily, noise: t.cpuNoise },
    memory: {
      base: rng.range(t.memoryMiB[0], t.memoryMiB[1]) * MiB,
      daily: t.memoryDaily ?? 0.2,
      noise: 0.05,
      growthPerHour: growth,
    },
    gpu: t.gpu
      ? {
          devices,
          megabytes: { base: devices * (t.gpu.deviceMegabytes ?? GPU_DEVICE_MEGABYTES) * rng.range(t.gpu.fill[0], t.gpu.fill[1]), daily: 0, noise: t.gpu.noise ?? 0.08 },
          deviceMegabytes: t.gpu.deviceMegabytes ?? GPU_DEVICE_MEGABYTES,
          make: 'nvidia',
          model: t.gpu.model ?? GPU_MODEL,
        }
      : undefined,
    requests: { cpuMillicores: t.requests[0], memoryBytes: t.requests[1] * MiB },
    // No extra draw: the existing pods' levels stay as they were.
    ...(t.extendedRequests ? { extendedRequests: t.extendedRequests } : t.gpu ? { extendedRequests: { [GPU_RESOURCE]: devices } } : {}),
    limits: { cpuMillicores: t.limits[0], memoryBytes: t.limits[1] * MiB },
    rampSeconds: t.rampSeconds ? rng.int(t.rampSeconds[0], t.rampSeconds[1]) : 0,
    pageFaultsPerCore: rng.range(20, 400),
    rootfsBaseBytes: Math.round(rng.range(40, 400) * MiB),
    rootfsGrowthPerHour: Math.round(rng.range(0, 2) * MiB),
  };
}

/** System containers Heapster reports per node. */
export const SYS_CONTAINERS: readonly ContainerTemplate[] = [
  { name: 'kubelet', image: '', cpu: [30, 90], cpuDaily: 0.3, cpuNoise: 0.3, memoryMiB: [80, 160], requests: [0, 0], limits: [0, 0] },
  { name: 'docker-daemon', image: '', cpu: [20, 70], cpuDaily: 0.3, cpuNoise: 0.3, memoryMiB: [150, 400], requests: [0, 0], limits: [0, 0] },
  { name: 'system', image: '', cpu: [50, 200], cpuDaily: 0.2, cpuNoise: 0.3, memoryMiB: [400, 900], requests: [0, 0], limits: [0, 0] },
];

export function sysContainerSpecs(seed: number, nodeId: number): ContainerSpec[] {
  const rng = new SeededRandom(hash32(seed, nodeId, 0x5157));
  return SYS_CONTAINERS.map((t, index) => containerSpec(rng, t, hash32(seed, nodeId, 0x1000 + index)));
}
