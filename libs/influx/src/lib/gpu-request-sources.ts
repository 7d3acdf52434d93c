/**
 * Where the GPU resources pods request are stored, one source per resource (`nvidia.com/gpu`, each
 * MIG profile, HAMi's shares): joined per container and sample time, they give the GPU devices a pod
 * holds (`GpuDeviceSamples` in the accounting). Only container series are read: a pod's devices are
 * its containers', each container's from all its resources at once (a HAMi share multiplies).
 */
import { canonicalGpuResource, GPU_MEMORY_RESOURCE } from '@kube-monitoring/contract';

import { heapsterSource, MetricSource } from './metric-source';

/** kube-state-metrics' series as Telegraf's `inputs.prometheus` (`metric_version = 1`) writes them. */
export const KSM_MEASUREMENTS = {
  containerRequests: 'kube_pod_container_resource_requests',
} as const;

/** kube-state-metrics' label names (they are tags once Telegraf writes them). */
export const KSM_TAGS: MetricSource['tags'] = { namespace: 'namespace', pod: 'pod', container: 'container', node: 'node' };

/** The tag naming the resource of a kube-state-metrics request series. */
export const KSM_RESOURCE_TAG = 'resource';

export interface GpuRequestSource {
  /** The resource as stored: Heapster's Kubernetes name, or kube-state-metrics' sanitised one. */
  resource: string;
  source: MetricSource;
}

const HEAPSTER_REQUEST = /^(.+)\/request$/;

/** A resource that counts towards devices (HAMi's `gpumem`, MiB without the device size, does not). */
function countsTowardsDevices(resource: string): boolean {
  const canonical = canonicalGpuResource(resource);
  return canonical !== undefined && canonical !== GPU_MEMORY_RESOURCE;
}

/** Heapster writes each extended resource a pod requests as its own measurement, `<resource>/request`. */
export function heapsterGpuRequestSources(measurements: Iterable<string>): GpuRequestSource[] {
  const out: GpuRequestSource[] = [];
  for (const measurement of measurements) {
    const resource = HEAPSTER_REQUEST.exec(measurement)?.[1];
    if (resource === undefined || !countsTowardsDevices(resource)) continue;
    // Containers only: a pod's own series sums its containers, whose shares must be taken one by one.
    out.push({ resource, source: { ...heapsterSource(measurement), podLevel: undefined, nodeLevel: undefined } });
  }
  return out.sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
}

/** kube-state-metrics writes every resource in one measurement, the resource as a tag. */
export function telegrafGpuRequestSources(resources: Iterable<string>): GpuRequestSource[] {
  const out: GpuRequestSource[] = [];
  for (const resource of resources) {
    if (!countsTowardsDevices(resource)) continue;
    out.push({
      resource,
      source: {
        metric: `${resource}/request`,
        measurement: KSM_MEASUREMENTS.containerRequests,
        field: 'gauge',
        scale: 1,
        tags: KSM_TAGS,
        containerLevel: { tag: KSM_RESOURCE_TAG, value: resource },
      },
    });
  }
  return out.sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
}
