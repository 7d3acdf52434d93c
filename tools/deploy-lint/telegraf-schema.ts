/**
 * Does a telegraf.conf produce exactly what the API reads with METRICS_SCHEMA=telegraf? For every
 * catalog metric with a Telegraf source, some input must write its measurement, its field and every
 * tag the API selects or groups by, after the input's own filters (namepass/namedrop,
 * fieldinclude/fieldexclude and their old names, taginclude/tagexclude). What each plugin can write
 * is modelled from its documentation and code (see /work/shared/reference/metrics-schema.md).
 */
import { METRIC_CATALOG } from '@kube-monitoring/contract';
import { MetricSource, TELEGRAF_MEASUREMENTS, telegrafSource } from '@kube-monitoring/influx';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

interface Produced {
  fields: readonly string[];
  tags: readonly string[];
}

const KUBELET_USAGE = [
  'cpu_usage_nanocores',
  'cpu_usage_core_nanoseconds',
  'memory_usage_bytes',
  'memory_working_set_bytes',
  'memory_rss_bytes',
  'memory_page_faults',
  'memory_major_page_faults',
];

/** inputs.kubernetes (kubelet /stats/summary), Telegraf 1.27+ (image and version tags). */
const KUBERNETES_INPUT: Record<string, Produced> = {
  [TELEGRAF_MEASUREMENTS.podContainer]: {
    fields: [...KUBELET_USAGE, 'rootfs_available_bytes', 'rootfs_capacity_bytes', 'rootfs_used_bytes', 'logsfs_available_bytes', 'logsfs_capacity_bytes', 'logsfs_used_bytes'],
    tags: ['container_name', 'namespace', 'node_name', 'pod_name', 'image', 'version'],
  },
  [TELEGRAF_MEASUREMENTS.podNetwork]: { fields: ['rx_bytes', 'rx_errors', 'tx_bytes', 'tx_errors'], tags: ['namespace', 'node_name', 'pod_name'] },
  [TELEGRAF_MEASUREMENTS.node]: {
    fields: [
      ...KUBELET_USAGE,
      'memory_available_bytes',
      'network_rx_bytes',
      'network_rx_errors',
      'network_tx_bytes',
      'network_tx_errors',
      'fs_available_bytes',
      'fs_capacity_bytes',
      'fs_used_bytes',
    ],
    tags: ['node_name'],
  },
};

/** inputs.kube_inventory, resource "pods": one point per container. */
const KUBE_INVENTORY_PODS: Record<string, Produced> = {
  [TELEGRAF_MEASUREMENTS.podContainer]: {
    fields: [
      'restarts_total',
      'state_code',
      'state_reason',
      'phase_reason',
      'terminated_reason',
      'resource_requests_millicpu_units',
      'resource_requests_memory_bytes',
      'resource_limits_millicpu_units',
      'resource_limits_memory_bytes',
    ],
    tags: ['container_name', 'namespace', 'node_name', 'pod_name', 'phase', 'state', 'readiness', 'image', 'version'],
  },
};

/**
 * inputs.kube_inventory, resource "nodes" (Telegraf 1.29+ keeps only `node_name`'s node): the node's
 * capacity and allocatable, and per condition a point of its own.
 */
const KUBE_INVENTORY_NODES: Record<string, Produced> = {
  [TELEGRAF_MEASUREMENTS.node]: {
    fields: [
      'capacity_cpu_cores',
      'capacity_millicpu_cores',
      'capacity_memory_bytes',
      'capacity_pods',
      'allocatable_cpu_cores',
      'allocatable_millicpu_cores',
      'allocatable_memory_bytes',
      'allocatable_pods',
      'spec_unschedulable',
      'status_condition',
      'ready',
      'node_count',
    ],
    tags: ['node_name', 'cluster_namespace', 'version', 'condition', 'status'],
  },
};

/** dcgm-exporter's labels with its Kubernetes mapping, as inputs.prometheus (metric_version 1) stores them. */
const DCGM_LABELS = ['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'GPU_I_PROFILE', 'GPU_I_ID', 'Hostname', 'hostname', 'namespace', 'pod', 'container'];

/** kube-state-metrics' labels of the families the deploy config scrapes (node labels: those allowlisted). */
const KSM_LABELS: Record<string, readonly string[]> = {
  kube_pod_container_resource_requests: ['namespace', 'pod', 'uid', 'container', 'node', 'resource', 'unit'],
  kube_node_status_allocatable: ['node', 'resource', 'unit'],
  kube_node_labels: ['node', 'label_nvidia_com_gpu_count', 'label_nvidia_com_gpu_product', 'label_nvidia_com_mig_strategy'],
};

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

/** Telegraf's include/exclude filter pair on names: included (when a list is set) and not excluded. */
function passes(name: string, include: unknown, exclude: unknown): boolean {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  const inc = list(include);
  const exc = list(exclude);
  if (inc && !inc.some((p) => glob(p).test(name))) return false;
  return !(exc && exc.some((p) => glob(p).test(name)));
}

/** What one configured input writes, after its filters (the agent's `host` tag included). */
function outputOf(kind: string, input: Obj): Map<string, Produced> {
  let produced: Record<string, Produced> = {};
  if (kind === 'kubernetes') {
    const nodeName = String(input['node_metric_name'] ?? TELEGRAF_MEASUREMENTS.node);
    produced = { ...KUBERNETES_INPUT };
    if (nodeName !== TELEGRAF_MEASUREMENTS.node) {
      produced[nodeName] = produced[TELEGRAF_MEASUREMENTS.node];
      delete produced[TELEGRAF_MEASUREMENTS.node];
    }
  } else if (kind === 'kube_inventory') {
    if (passes('pods', input['resource_include'], input['resource_exclude'])) produced = { ...produced, ...KUBE_INVENTORY_PODS };
    if (passes('nodes', input['resource_include'], input['resource_exclude'])) produced = { ...produced, ...KUBE_INVENTORY_NODES };
  } else if (kind === 'prometheus' && Number(input['metric_version'] ?? 1) === 1) {
    // Version 1: each exporter metric its own measurement, a gauge's value in field `gauge`.
    for (const name of (input['namepass'] ?? []) as string[]) if (!name.includes('*')) produced[name] = { fields: ['gauge'], tags: [...(KSM_LABELS[name] ?? DCGM_LABELS)] };
  }
  const out = new Map<string, Produced>();
  for (const [measurement, p] of Object.entries(produced)) {
    if (!passes(measurement, input['namepass'], input['namedrop'])) continue;
    out.set(measurement, {
      fields: p.fields.filter((f) => passes(f, input['fieldinclude'] ?? input['fieldpass'], input['fieldexclude'] ?? input['fielddrop'])),
      tags: [...p.tags, 'host'].filter((t) => passes(t, input['taginclude'], input['tagexclude'])),
    });
  }
  return out;
}

/** The tags the API needs on a metric's series: identity (node: any of the alternatives) and level. */
function neededTags(source: MetricSource): string[][] {
  // A node-only metric (kube_inventory's allocatable) has no pod identity to carry.
  const podScoped = source.podLevel !== undefined || source.containerLevel !== undefined;
  const needed = podScoped ? [[source.tags.namespace], [source.tags.pod]] : [];
  if (source.containerLevel) needed.push([source.tags.container]);
  // dcgm-exporter names its host label `Hostname` or (since 2026) `hostname`: either will do.
  needed.push(source.measurement === TELEGRAF_MEASUREMENTS.dcgmMemoryUsed ? ['Hostname', 'hostname'] : [source.tags.node]);
  for (const level of [source.podLevel, source.containerLevel, podScoped ? undefined : source.nodeLevel]) if (level) needed.push([level.tag]);
  return needed;
}

export function telegrafSchemaProblems(conf: Obj): string[] {
  const outputs: Map<string, Produced>[] = [];
  for (const [kind, instances] of Object.entries((conf['inputs'] ?? {}) as Record<string, Obj[]>)) {
    for (const input of instances) outputs.push(outputOf(kind, input));
  }
  const problems: string[] = [];
  for (const metric of METRIC_CATALOG) {
    const source = telegrafSource(metric.name);
    if (!source) continue;
    const writers = outputs.map((o) => o.get(source.measurement)).filter((p): p is Produced => p !== undefined && p.fields.includes(source.field));
    if (writers.length === 0) {
      problems.push(`${metric.name}: no input writes ${source.measurement}.${source.field}`);
      continue;
    }
    for (const alternatives of neededTags(source)) {
      if (!writers.some((w) => alternatives.some((t) => w.tags.includes(t)))) {
        problems.push(`${metric.name}: ${source.measurement}.${source.field} is written without the tag ${alternatives.join(' or ')}`);
      }
    }
  }
  return problems;
}
