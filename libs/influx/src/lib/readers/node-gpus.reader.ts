/**
 * How many GPUs each node has, as NVIDIA's GPU Feature Discovery labels the node
 * (`nvidia.com/gpu.count`, physical GPUs whatever their sharing: a MIG-partitioned or HAMi-shared GPU
 * still counts one): Heapster writes node labels in its node series' `labels` tag (`key:value` pairs),
 * kube-state-metrics in `kube_node_labels` (`label_nvidia_com_gpu_count`, with the labels allowlist).
 */
import { quoteIdentifier } from '../identifiers';
import { ParamBag } from '../influx-query';
import { heapsterSource } from '../metric-source';
import { levelCondition, timeRange, where } from '../queries/query-filters';
import { StorageSchema } from '../storage-schema';
import { InfluxReads } from './influx-reads';

/** GFD's label of the number of GPUs on a node. */
export const GPU_COUNT_LABEL = 'nvidia.com/gpu.count';
/** The same label as kube-state-metrics names it. */
export const KSM_GPU_COUNT_TAG = 'label_nvidia_com_gpu_count';
export const KSM_NODE_LABELS = 'kube_node_labels';

/** A Heapster series' node labels (`key:value` joined by `,`): the GPU count, undefined without it. */
export function gpuCountOfLabels(labels: string): number | undefined {
  for (const pair of labels.split(',')) {
    const i = pair.indexOf(':');
    if (i > 0 && pair.slice(0, i) === GPU_COUNT_LABEL) return gpuCount(pair.slice(i + 1));
  }
  return undefined;
}

function gpuCount(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,4}$/.test(text)) return undefined;
  return Number(text);
}

export interface NodeGpusReader {
  /** Per node with a GPU count label in [from, to), its GPUs (the largest count seen). */
  gpuCounts(schema: StorageSchema, from: Date, to: Date): Promise<Map<string, number>>;
}

export class InfluxNodeGpusReader implements NodeGpusReader {
  constructor(private readonly influx: InfluxReads) {}

  async gpuCounts(schema: StorageSchema, from: Date, to: Date): Promise<Map<string, number>> {
    const bag = new ParamBag();
    let text: string;
    let node: string;
    let read: (tags: Record<string, string>) => number | undefined;
    if (schema === 'heapster') {
      // Any node metric carries the node's labels; allocatable CPU is the one idle capacity reads.
      const source = heapsterSource('cpu/node_allocatable');
      node = source.tags.node;
      text = `SELECT last("value") AS v FROM ${quoteIdentifier(source.measurement)} ${where(levelCondition(bag, source.nodeLevel), timeRange(bag, from, to))} GROUP BY ${quoteIdentifier(node)}, "labels"`;
      read = (tags) => gpuCountOfLabels(tags['labels'] ?? '');
    } else {
      node = 'node';
      text = `SELECT last("gauge") AS v FROM ${quoteIdentifier(KSM_NODE_LABELS)} ${where(`${quoteIdentifier(KSM_GPU_COUNT_TAG)} != ${bag.bind('none', '')}`, timeRange(bag, from, to))} GROUP BY ${quoteIdentifier(node)}, ${quoteIdentifier(KSM_GPU_COUNT_TAG)}`;
      read = (tags) => gpuCount(tags[KSM_GPU_COUNT_TAG]);
    }
    const out = new Map<string, number>();
    for (const series of await this.influx.query(bag.toQuery(text))) {
      const tags = series.tags ?? {};
      const name = tags[node];
      const count = read(tags);
      if (name && count !== undefined) out.set(name, Math.max(out.get(name) ?? 0, count));
    }
    return out;
  }
}
