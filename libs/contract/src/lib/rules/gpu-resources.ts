/**
 * GPU resources as Kubernetes schedules them, and how many GPU devices one container holds: the
 * basis of GPU-hours (devices × hours), whichever way the GPUs are shared.
 *
 * Names come in two spellings, both accepted everywhere here:
 * - the Kubernetes resource name, as in a pod spec, Heapster's `<resource>/request` measurements and
 *   the scheduler's metrics: `nvidia.com/gpu`, `nvidia.com/mig-3g.40gb`, `nvidia.com/gpucores`,
 *   `nvidia.com/gpumem-percentage`;
 * - kube-state-metrics' label value, where every character outside `[a-zA-Z0-9_]` became `_`:
 *   `nvidia_com_gpu`, `nvidia_com_mig_3g_40gb`, `nvidia_com_gpucores`, `nvidia_com_gpumem_percentage`.
 *
 * The rule of {@link gpuDevicesOf}:
 * - **Whole GPUs** (NVIDIA device plugin): `nvidia.com/gpu: n` holds n GPUs.
 * - **HAMi** (GPU sharing): `nvidia.com/gpu: n` still counts *physical* GPUs, of each of which the
 *   container gets a share: `nvidia.com/gpucores` (% of the GPU's compute, 1–100) when set, else
 *   `nvidia.com/gpumem-percentage` (% of its memory) when set, else the whole GPU. Four pods with
 *   `gpu: 1, gpucores: 25` on one GPU hold one GPU between them. (`nvidia.com/gpumem`, memory in MiB,
 *   gives no share without the device's size and is not used.)
 * - **MIG** (mixed strategy): `nvidia.com/mig-<g>g.<m>gb: q` is q instances of g compute slices out of
 *   the 7 of an A100 or H100, i.e. q × g / 7 GPU (a `3g.40gb` is 3/7 of the GPU).
 *
 * devices = gpu × share + Σ over MIG resources of q × g / migSlicesPerGpu.
 */

export const GPU_RESOURCE = 'nvidia.com/gpu';
/** HAMi: percentage of each GPU's compute. */
export const GPU_CORES_RESOURCE = 'nvidia.com/gpucores';
/** HAMi: percentage of each GPU's memory (not combinable with `nvidia.com/gpumem`). */
export const GPU_MEMORY_PERCENTAGE_RESOURCE = 'nvidia.com/gpumem-percentage';
/** HAMi: memory of each GPU in MiB. */
export const GPU_MEMORY_RESOURCE = 'nvidia.com/gpumem';

/** Compute slices of an A100 or H100: a MIG `<g>g` instance is g of them. */
export const DEFAULT_MIG_SLICES_PER_GPU = 7;

export interface MigProfile {
  /** Compute slices of the instance (the `<g>` of `<g>g.<m>gb`). */
  computeSlices: number;
  /** Memory of the instance in GB, as the name gives it. */
  memoryGb: number;
  /** The profile name, e.g. `3g.40gb` or `1g.10gb.me`. */
  profile: string;
}

export interface GpuDeviceOptions {
  /** Compute slices of one GPU. Default 7 (A100, H100). */
  migSlicesPerGpu?: number;
}

const SIMPLE_RESOURCES = [GPU_RESOURCE, GPU_CORES_RESOURCE, GPU_MEMORY_PERCENTAGE_RESOURCE, GPU_MEMORY_RESOURCE] as const;
const MIG = /^nvidia\.com\/mig-([1-9]\d*)g\.([1-9]\d*)gb(\.me)?$/;
const SANITISED_MIG = /^nvidia_com_mig_([1-9]\d*)g_([1-9]\d*)gb(_me)?$/;

/** kube-state-metrics' spelling of a resource name: every character outside `[a-zA-Z0-9_]` becomes `_`. */
export function sanitizeResourceName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

const SANITISED_SIMPLE: ReadonlyMap<string, string> = new Map(SIMPLE_RESOURCES.map((r) => [sanitizeResourceName(r), r]));

/** The Kubernetes name of a GPU resource in either spelling; undefined for any other resource. */
export function canonicalGpuResource(name: string): string | undefined {
  if ((SIMPLE_RESOURCES as readonly string[]).includes(name) || MIG.test(name)) return name;
  const simple = SANITISED_SIMPLE.get(name);
  if (simple !== undefined) return simple;
  const mig = SANITISED_MIG.exec(name);
  return mig ? `nvidia.com/mig-${mig[1]}g.${mig[2]}gb${mig[3] ? '.me' : ''}` : undefined;
}

/** The MIG profile a resource name stands for (either spelling); undefined when it is no MIG resource. */
export function migProfileOf(name: string): MigProfile | undefined {
  const canonical = canonicalGpuResource(name);
  const m = canonical === undefined ? null : MIG.exec(canonical);
  if (!m) return undefined;
  return { computeSlices: Number(m[1]), memoryGb: Number(m[2]), profile: `${m[1]}g.${m[2]}gb${m[3] ?? ''}` };
}

/**
 * GPU devices one container holds, from its resource requests (either spelling; other resources are
 * ignored, as are quantities that are not finite and ≥ 0; a resource given in both spellings counts
 * once, the larger). See the module comment for the rule.
 */
export function gpuDevicesOf(requests: Readonly<Record<string, number>>, options: GpuDeviceOptions = {}): number {
  const slices = options.migSlicesPerGpu ?? DEFAULT_MIG_SLICES_PER_GPU;
  if (!(Number.isFinite(slices) && slices > 0)) throw new RangeError(`migSlicesPerGpu must be a positive number, got ${slices}`);
  const quantities = new Map<string, number>();
  for (const [name, quantity] of Object.entries(requests)) {
    const canonical = canonicalGpuResource(name);
    if (canonical === undefined || !(Number.isFinite(quantity) && quantity >= 0)) continue;
    quantities.set(canonical, Math.max(quantities.get(canonical) ?? 0, quantity));
  }
  const cores = quantities.get(GPU_CORES_RESOURCE) ?? 0;
  const memory = quantities.get(GPU_MEMORY_PERCENTAGE_RESOURCE) ?? 0;
  const share = cores > 0 ? cores / 100 : memory > 0 ? memory / 100 : 1;
  let devices = (quantities.get(GPU_RESOURCE) ?? 0) * share;
  for (const [name, quantity] of quantities) {
    const mig = migProfileOf(name);
    if (mig) devices += (quantity * mig.computeSlices) / slices;
  }
  return devices;
}
