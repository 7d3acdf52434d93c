/**
 * GPU resources a container can request, and how many physical GPU devices a request allocates.
 *
 * Names are the Kubernetes resource names: `nvidia.com/gpu` (NVIDIA device plugin; under HAMi the
 * number of physical GPUs shared), `nvidia.com/mig-<g>g.<mem>gb` (device plugin, MIG strategy
 * `mixed`: one resource per profile, `<g>` compute slices out of 7), and HAMi's
 * `nvidia.com/gpucores` / `nvidia.com/gpumem-percentage` (percent of each shared GPU).
 *
 * Allocation is counted in 1/700 of a device, a common multiple of sevenths and percents, so every
 * share is a whole number and sums stay exact.
 */

export const GPU_RESOURCE = 'nvidia.com/gpu';
export const HAMI_CORES_RESOURCE = 'nvidia.com/gpucores';
export const HAMI_MEMORY_PERCENTAGE_RESOURCE = 'nvidia.com/gpumem-percentage';
/** The MIG profiles of the demo cluster (A100 80 GB, mixed strategy). */
export const MIG_RESOURCES = ['nvidia.com/mig-1g.10gb', 'nvidia.com/mig-3g.40gb'] as const;

/** Units of GPU allocation per device. */
export const GPU_UNITS_PER_DEVICE = 700;

const MIG_PATTERN = /^nvidia\.com\/mig-(\d)g\.\d+gb(?:\.me)?$/;

/** Compute slices (out of 7) of a MIG resource name, or undefined when it is not one. */
export function migComputeSlices(resource: string): number | undefined {
  const match = MIG_PATTERN.exec(resource);
  return match ? Number(match[1]) : undefined;
}

/** Whether the resource is one of the GPU resources the rule below reads. */
export function isGpuResource(resource: string): boolean {
  return resource === GPU_RESOURCE || resource === HAMI_CORES_RESOURCE || resource === HAMI_MEMORY_PERCENTAGE_RESOURCE || migComputeSlices(resource) !== undefined;
}

/**
 * GPU devices a container's requests allocate, in 1/700 of a device:
 * - a whole GPU (`nvidia.com/gpu`) counts 1 per device;
 * - a MIG slice `<g>g.*` counts g/7 per slice;
 * - with HAMi, `nvidia.com/gpu` GPUs are each shared at `gpucores` percent, or at
 *   `gpumem-percentage` percent when cores are not set (four pods at 25 % of one GPU make one GPU).
 */
export function gpuAllocationUnits(requests: Readonly<Record<string, number>>): number {
  let units = 0;
  for (const [resource, count] of Object.entries(requests)) {
    const slices = migComputeSlices(resource);
    if (slices !== undefined) units += count * slices * (GPU_UNITS_PER_DEVICE / 7);
  }
  const devices = requests[GPU_RESOURCE] ?? 0;
  const percent = requests[HAMI_CORES_RESOURCE] ?? requests[HAMI_MEMORY_PERCENTAGE_RESOURCE] ?? 100;
  return units + devices * percent * (GPU_UNITS_PER_DEVICE / 100);
}

/** The same in devices (a MIG 3g slice: 3/7). */
export function gpuAllocationDevices(requests: Readonly<Record<string, number>>): number {
  return gpuAllocationUnits(requests) / GPU_UNITS_PER_DEVICE;
}

/** The resource name as kube-state-metrics writes it in its `resource` label: `[^a-zA-Z0-9_]` → `_`. */
export function kubeStateMetricsResourceName(resource: string): string {
  return resource.replace(/[^a-zA-Z0-9_]/g, '_');
}
