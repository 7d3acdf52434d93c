import { canonicalGpuResource, DEFAULT_MIG_SLICES_PER_GPU, gpuDevicesOf, migProfileOf, sanitizeResourceName } from './gpu-resources';

describe('GPU resources', () => {
  it('should know the Kubernetes names and their kube-state-metrics spellings, and nothing else', () => {
    for (const name of ['nvidia.com/gpu', 'nvidia.com/mig-3g.40gb', 'nvidia.com/mig-1g.10gb.me', 'nvidia.com/gpucores', 'nvidia.com/gpumem-percentage', 'nvidia.com/gpumem']) {
      expect(canonicalGpuResource(name)).toBe(name);
      expect(canonicalGpuResource(sanitizeResourceName(name))).toBe(name);
    }
    expect(sanitizeResourceName('nvidia.com/mig-1g.10gb')).toBe('nvidia_com_mig_1g_10gb');
    expect(canonicalGpuResource('nvidia_com_gpumem_percentage')).toBe('nvidia.com/gpumem-percentage');
    for (const other of [
      'cpu',
      'memory',
      'ephemeral-storage',
      'nvidia.com/gpu.shared',
      'nvidia_com_gpu_shared',
      'amd.com/gpu',
      'nvidia.com/mig-0g.5gb',
      'nvidia.com/mig-1g.10gb+me',
      '',
    ]) {
      expect([other, canonicalGpuResource(other)]).toEqual([other, undefined]);
    }
  });

  it('should read MIG profiles from either spelling', () => {
    expect(migProfileOf('nvidia.com/mig-3g.40gb')).toEqual({ computeSlices: 3, memoryGb: 40, profile: '3g.40gb' });
    expect(migProfileOf('nvidia_com_mig_1g_10gb')).toEqual({ computeSlices: 1, memoryGb: 10, profile: '1g.10gb' });
    expect(migProfileOf('nvidia_com_mig_1g_10gb_me')).toEqual({ computeSlices: 1, memoryGb: 10, profile: '1g.10gb.me' });
    expect(migProfileOf('nvidia.com/gpu')).toBeUndefined();
    expect(DEFAULT_MIG_SLICES_PER_GPU).toBe(7);
  });

  it('should count whole GPUs, HAMi shares and MIG slices', () => {
    expect(gpuDevicesOf({})).toBe(0);
    expect(gpuDevicesOf({ cpu: 2, memory: 1e9 })).toBe(0);
    expect(gpuDevicesOf({ 'nvidia.com/gpu': 2 })).toBe(2);
    expect(gpuDevicesOf({ nvidia_com_gpu: 1 })).toBe(1);
    // HAMi: gpucores first, then the memory share, else the whole (physical) GPU.
    expect(gpuDevicesOf({ 'nvidia.com/gpu': 1, 'nvidia.com/gpucores': 25, 'nvidia.com/gpumem-percentage': 50 })).toBe(0.25);
    expect(gpuDevicesOf({ nvidia_com_gpu: 2, nvidia_com_gpumem_percentage: 50 })).toBe(1);
    expect(gpuDevicesOf({ 'nvidia.com/gpu': 1, 'nvidia.com/gpumem': 3000 })).toBe(1);
    expect(4 * gpuDevicesOf({ 'nvidia.com/gpu': 1, 'nvidia.com/gpucores': 25, 'nvidia.com/gpumem-percentage': 25 })).toBe(1);
    // MIG: g of the GPU's 7 compute slices per instance.
    expect(gpuDevicesOf({ 'nvidia.com/mig-3g.40gb': 1 })).toBe(3 / 7);
    expect(gpuDevicesOf({ nvidia_com_mig_1g_10gb: 2, 'nvidia.com/mig-3g.40gb': 1 })).toBeCloseTo(5 / 7, 15);
    expect(gpuDevicesOf({ 'nvidia.com/mig-2g.20gb': 1 }, { migSlicesPerGpu: 4 })).toBe(0.5);
  });

  it('should count a resource given in both spellings once, and ignore quantities that are no count', () => {
    expect(gpuDevicesOf({ 'nvidia.com/gpu': 1, nvidia_com_gpu: 1 })).toBe(1);
    expect(gpuDevicesOf({ 'nvidia.com/gpu': Number.NaN, 'nvidia.com/mig-1g.10gb': -1 })).toBe(0);
    expect(() => gpuDevicesOf({ 'nvidia.com/gpu': 1 }, { migSlicesPerGpu: 0 })).toThrow(RangeError);
  });
});
