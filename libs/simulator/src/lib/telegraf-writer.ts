/**
 * What a Telegraf DaemonSet of today writes for the same cluster (the collector of `deploy/k8s`):
 *
 * - `inputs.kubernetes` (kubelet `/stats/summary`): `kubernetes_pod_container` per container,
 *   `kubernetes_pod_network` per pod, `kubernetes_node` per node, and optionally
 *   `kubernetes_system_container`. All fields are integers; there is no pod-level series for CPU or
 *   memory (a pod is the sum of its containers) and no namespace or cluster level at all.
 * - `inputs.kube_inventory`: requests and limits as separate points of `kubernetes_pod_container`,
 *   with the inventory's own tags (`phase`, `state`, `readiness`) and without the usage fields.
 * - NVIDIA dcgm-exporter scraped by `inputs.prometheus` (metric_version = 1):
 *   `DCGM_FI_DEV_FB_USED`, field `gauge`, framebuffer memory in MiB per GPU, with the labels of
 *   the pod using it (`namespace`, `pod`, `container`).
 *
 * The agent adds `host` (the node's name in the DaemonSet) to everything. Values come from the same
 * samples as Heapster's, so the ground truth is unchanged: `cpu_usage_nanocores` = millicores × 1e6
 * exactly, bytes are bytes, GPU MiB = MB ÷ 1.048576 rounded to whole MiB as DCGM reports them.
 * Series keys are built once per entity with `Point` (its sorting and escaping), then reused.
 */
import type { ContainerSpec, NodeSpec, PodSpec } from './cluster-model';
import { deviceMegabytes, gpuUuid } from './gpu-devices';
import { seriesKey } from './heapster-writer';
import type { ContainerSample, FilesystemSample, NodeSample, PodSample, SysContainerSample } from './samples';
import type { SchemaWriter } from './schema-writer';

// Local bindings: global lookups are slow inside vm contexts (as in Jest), and these run per sample.
const { floor, round } = Math;

/** Measurement names Telegraf and dcgm-exporter write (what `METRICS_SCHEMA=telegraf` reads). */
export const TELEGRAF_MEASUREMENTS = {
  podContainer: 'kubernetes_pod_container',
  podNetwork: 'kubernetes_pod_network',
  node: 'kubernetes_node',
  systemContainer: 'kubernetes_system_container',
  gpuMemoryUsed: 'DCGM_FI_DEV_FB_USED',
} as const;

/** MiB in one MB: dcgm-exporter reports framebuffer memory in MiB, the catalog's `gpu/usage` is MB. */
export const MEGABYTES_PER_MEBIBYTE = 1.048576;

export interface TelegrafWriterOptions {
  /** Also write `kubernetes_system_container` (the deploy config drops it). Default false. */
  systemContainers?: boolean;
  /** Also write the kube_inventory request/limit points. Default true. */
  inventory?: boolean;
  /** Also write dcgm-exporter's `DCGM_FI_DEV_FB_USED` for GPU containers. Default true. */
  gpu?: boolean;
  /** dcgm-exporter's host label: `Hostname` until 2026-05, `hostname` since. Default `Hostname`. */
  dcgmHostLabel?: 'Hostname' | 'hostname';
}

/** The kubelet's names for Heapster's system containers (Heapster renamed them). */
const SYSTEM_CONTAINER_NAMES: Record<string, string> = { kubelet: 'kubelet', 'docker-daemon': 'runtime', system: 'misc' };

/** Container logs grow by this many bytes per second of uptime (only to fill `logsfs_used_bytes`). */
const LOG_BYTES_PER_SECOND = 40;

type Tags = Record<string, string>;
type Fields = [name: string, value: string][];

/** Integer field: Telegraf writes every kubelet figure as int64 (`i` in line protocol). */
function int(value: number): string {
  return `${round(value)}i`;
}

/** Millicore-seconds as nanoseconds, exact beyond 2^53 (appending zeros instead of multiplying). */
function nanos(millicoreSeconds: number): string {
  const v = round(millicoreSeconds);
  return v === 0 ? '0i' : `${v}000000i`;
}

/** `name:tag` split the way the inventory reports it (`image`, `version`); a registry port is not a tag. */
export function splitImage(image: string): { image: string; version: string | undefined } {
  const colon = image.lastIndexOf(':');
  if (colon <= image.lastIndexOf('/')) return { image, version: undefined };
  return { image: image.slice(0, colon), version: image.slice(colon + 1) };
}

/** Fields sorted by name (as Telegraf's serializer and `Point` write them), joined. */
function fieldSet(fields: Fields): string {
  return fields
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join(',');
}

function usageFields(s: ContainerSample | SysContainerSample | NodeSample): Fields {
  return [
    ['cpu_usage_core_nanoseconds', nanos(s.cpuUsageMillicoreSeconds)],
    ['cpu_usage_nanocores', s.cpuMillicores === 0 ? '0i' : `${round(s.cpuMillicores)}000000i`],
    ['memory_major_page_faults', int(s.majorPageFaults)],
    ['memory_page_faults', int(s.pageFaults)],
    ['memory_rss_bytes', int(s.rssBytes)],
    ['memory_usage_bytes', int(s.memoryBytes)],
    ['memory_working_set_bytes', int(s.workingSetBytes)],
  ];
}

function rootfsFields(fs: FilesystemSample, withUsed: boolean): Fields {
  const fields: Fields = [
    ['rootfs_available_bytes', int(fs.availableBytes)],
    ['rootfs_capacity_bytes', int(fs.capacityBytes)],
  ];
  if (withUsed) fields.push(['rootfs_used_bytes', int(fs.usageBytes)]);
  return fields;
}

/** Logs live on the node's filesystem, like the rootfs: same capacity and free space (as in the plugin's example). */
function logsFields(fs: FilesystemSample, usedBytes: number | undefined): Fields {
  const fields: Fields = [
    ['logsfs_available_bytes', int(fs.availableBytes)],
    ['logsfs_capacity_bytes', int(fs.capacityBytes)],
  ];
  if (usedBytes !== undefined) fields.push(['logsfs_used_bytes', int(usedBytes)]);
  return fields;
}

interface ContainerKeys {
  usage: string;
  inventory: string;
  /** One `DCGM_FI_DEV_FB_USED` series key per GPU device of the container. */
  gpus: string[];
}

export class TelegrafWriter implements SchemaWriter {
  readonly schema = 'telegraf';
  readonly precision = 's' as const;
  readonly writesNodes = true;
  private readonly systemContainers: boolean;
  private readonly inventory: boolean;
  private readonly gpu: boolean;
  private readonly dcgmHostLabel: 'Hostname' | 'hostname';
  private readonly containerKeys = new WeakMap<ContainerSpec, ContainerKeys>();
  private readonly networkKeys = new WeakMap<PodSpec, string>();
  private readonly nodeKeys = new WeakMap<NodeSpec, string>();
  private readonly sysKeys = new WeakMap<ContainerSpec, string>();

  constructor(options: TelegrafWriterOptions = {}) {
    this.systemContainers = options.systemContainers ?? false;
    this.inventory = options.inventory ?? true;
    this.gpu = options.gpu ?? true;
    this.dcgmHostLabel = options.dcgmHostLabel ?? 'Hostname';
  }

  writePod(sample: PodSample, out: string[]): void {
    const pod = sample.pod;
    const ts = ` ${sample.time}`;
    for (const container of sample.containers) {
      const keys = this.keysOf(pod, container.spec);
      out.push(
        `${keys.usage} ${fieldSet([
          ...usageFields(container),
          ...rootfsFields(container.rootfs, true),
          ...logsFields(container.rootfs, floor(container.uptimeMs / 1000) * LOG_BYTES_PER_SECOND),
        ])}${ts}`,
      );
      if (this.inventory) out.push(`${keys.inventory} ${fieldSet(inventoryFields(container))}${ts}`);
      if (this.gpu) writeGpuMemory(keys.gpus, container, ts, out);
    }
    let network = this.networkKeys.get(pod);
    if (network === undefined) {
      network = seriesKey(TELEGRAF_MEASUREMENTS.podNetwork, { host: pod.node.name, namespace: pod.namespace, node_name: pod.node.name, pod_name: pod.name });
      this.networkKeys.set(pod, network);
    }
    const n = sample.network;
    out.push(
      `${network} ${fieldSet([
        ['rx_bytes', int(n.rxBytes)],
        ['rx_errors', int(n.rxErrors)],
        ['tx_bytes', int(n.txBytes)],
        ['tx_errors', int(n.txErrors)],
      ])}${ts}`,
    );
  }

  writeNode(sample: NodeSample, out: string[]): void {
    const node = sample.node;
    const ts = ` ${sample.time}`;
    let key = this.nodeKeys.get(node);
    if (key === undefined) {
      key = seriesKey(TELEGRAF_MEASUREMENTS.node, { host: node.name, node_name: node.name });
      this.nodeKeys.set(node, key);
    }
    const fs = sample.rootfs;
    const n = sample.network;
    out.push(
      `${key} ${fieldSet([
        ...usageFields(sample),
        // The kubelet's "available": capacity minus working set (what eviction looks at).
        ['memory_available_bytes', int(Math.max(0, sample.node.memoryCapacityBytes - sample.workingSetBytes))],
        ['network_rx_bytes', int(n.rxBytes)],
        ['network_rx_errors', int(n.rxErrors)],
        ['network_tx_bytes', int(n.txBytes)],
        ['network_tx_errors', int(n.txErrors)],
        ['fs_available_bytes', int(fs.availableBytes)],
        ['fs_capacity_bytes', int(fs.capacityBytes)],
        ['fs_used_bytes', int(fs.usageBytes)],
        // Images share the node's filesystem; the simulator counts them in its base usage.
        ['runtime_image_fs_available_bytes', int(fs.availableBytes)],
        ['runtime_image_fs_capacity_bytes', int(fs.capacityBytes)],
        ['runtime_image_fs_used_bytes', int(node.fsBaseUsedBytes)],
      ])}${ts}`,
    );
    if (!this.systemContainers) return;
    for (const sys of sample.sysContainers) {
      let sysKey = this.sysKeys.get(sys.spec);
      if (sysKey === undefined) {
        sysKey = seriesKey(TELEGRAF_MEASUREMENTS.systemContainer, {
          container_name: SYSTEM_CONTAINER_NAMES[sys.spec.name] ?? sys.spec.name,
          host: node.name,
          node_name: node.name,
        });
        this.sysKeys.set(sys.spec, sysKey);
      }
      // The plugin writes no used bytes for system containers (its code, not its README).
      out.push(`${sysKey} ${fieldSet([...usageFields(sys), ...rootfsFields(fs, false), ...logsFields(fs, undefined)])}${ts}`);
    }
  }

  /** Telegraf has no namespace level (namespaces are the sum of their pods): nothing to write. */
  writeNamespace(): void {
    return;
  }

  /** Nor a cluster level. */
  writeCluster(): void {
    return;
  }

  private keysOf(pod: PodSpec, spec: ContainerSpec): ContainerKeys {
    let keys = this.containerKeys.get(spec);
    if (keys) return keys;
    const { image, version } = splitImage(spec.image);
    const identity = { container_name: spec.name, host: pod.node.name, namespace: pod.namespace, node_name: pod.node.name, pod_name: pod.name };
    const withImage: Tags = { ...identity, image, ...(version === undefined ? {} : { version }) };
    const gpu = spec.gpu;
    keys = {
      usage: seriesKey(TELEGRAF_MEASUREMENTS.podContainer, withImage),
      // The inventory's own tags: a running, ready container (the simulator's pods are never pending).
      inventory: seriesKey(TELEGRAF_MEASUREMENTS.podContainer, { ...withImage, phase: 'Running', readiness: 'ready', state: 'running' }),
      gpus: gpu
        ? Array.from({ length: gpu.devices }, (_, device) =>
            seriesKey(TELEGRAF_MEASUREMENTS.gpuMemoryUsed, {
              [this.dcgmHostLabel]: pod.node.name,
              UUID: gpuUuid(spec.id, device),
              container: spec.name,
              gpu: String(device),
              host: pod.node.name,
              modelName: gpu.model,
              namespace: pod.namespace,
              pod: pod.name,
            }),
          )
        : [],
    };
    this.containerKeys.set(spec, keys);
    return keys;
  }
}

/** kube_inventory writes a request or limit only when the container sets it (the simulator's 0 = unset). */
function inventoryFields(container: ContainerSample): Fields {
  const fields: Fields = [
    ['restarts_total', '0i'],
    ['state_code', '0i'],
  ];
  const add = (name: string, value: number) => {
    if (value > 0) fields.push([name, int(value)]);
  };
  add('resource_requests_millicpu_units', container.cpuRequestMillicores);
  add('resource_requests_memory_bytes', container.memoryRequestBytes);
  add('resource_limits_millicpu_units', container.cpuLimitMillicores);
  add('resource_limits_memory_bytes', container.memoryLimitBytes);
  return fields;
}

/**
 * One `DCGM_FI_DEV_FB_USED` point per GPU device, in whole MiB written as a float (Prometheus values
 * are float64). The container's MB are split over its devices exactly as for Heapster's
 * `accelerator/memory_used`, then each device's share is converted.
 */
function writeGpuMemory(keys: readonly string[], container: ContainerSample, ts: string, out: string[]): void {
  const total = container.gpuMegabytes;
  if (keys.length === 0 || total === undefined) return;
  keys.forEach((key, device) => {
    out.push(`${key} gauge=${round(deviceMegabytes(total, keys.length, device) / MEGABYTES_PER_MEBIBYTE)}${ts}`);
  });
}
