/**
 * The applications that run on the simulated cluster: images, usage ranges, requests and limits.
 * Each pod instance draws its own levels inside these ranges from its uid.
 */
import type { ContainerSpec, NetworkShape, PodSpec } from './cluster-model';
import { hash32, SeededRandom } from './prng';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** A100 40 GB, in the MB the site's `gpu/usage` metric uses. */
export const GPU_DEVICE_MEGABYTES = 40_960;
export const GPU_MODEL = 'NVIDIA-A100-SXM4-40GB';

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
  gpu?: { devices: readonly [number, number]; fill: readonly [number, number] };
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
          megabytes: { base: devices * GPU_DEVICE_MEGABYTES * rng.range(t.gpu.fill[0], t.gpu.fill[1]), daily: 0, noise: 0.08 },
          deviceMegabytes: GPU_DEVICE_MEGABYTES,
          make: 'nvidia',
          model: GPU_MODEL,
        }
      : undefined,
    requests: { cpuMillicores: t.requests[0], memoryBytes: t.requests[1] * MiB },
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
