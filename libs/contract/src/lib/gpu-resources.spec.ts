import { GPU_UNITS_PER_DEVICE, gpuAllocationDevices, gpuAllocationUnits, isGpuResource, kubeStateMetricsResourceName, migComputeSlices } from './gpu-resources';

describe('GPU resources', () => {
  it('should count whole GPUs one device each', () => {
    expect(gpuAllocationUnits({ 'nvidia.com/gpu': 2 })).toBe(2 * GPU_UNITS_PER_DEVICE);
    expect(gpuAllocationUnits({})).toBe(0);
  });

  it('should count a MIG slice as its compute slices out of 7', () => {
    expect(migComputeSlices('nvidia.com/mig-3g.40gb')).toBe(3);
    expect(migComputeSlices('nvidia.com/mig-1g.10gb.me')).toBe(1);
    expect(migComputeSlices('nvidia.com/gpu')).toBeUndefined();
    expect(gpuAllocationUnits({ 'nvidia.com/mig-3g.40gb': 1 })).toBe(300);
    expect(gpuAllocationDevices({ 'nvidia.com/mig-3g.40gb': 1 })).toBeCloseTo(3 / 7, 15);
    expect(gpuAllocationUnits({ 'nvidia.com/mig-1g.10gb': 7 })).toBe(GPU_UNITS_PER_DEVICE);
  });

  it('should count a HAMi share by its cores, or by its memory percentage without cores', () => {
    const quarter = { 'nvidia.com/gpu': 1, 'nvidia.com/gpucores': 25, 'nvidia.com/gpumem-percentage': 25 };
    expect(4 * gpuAllocationUnits(quarter)).toBe(GPU_UNITS_PER_DEVICE);
    expect(gpuAllocationDevices({ 'nvidia.com/gpu': 1, 'nvidia.com/gpucores': 30, 'nvidia.com/gpumem-percentage': 60 })).toBe(0.3);
    expect(gpuAllocationDevices({ 'nvidia.com/gpu': 1, 'nvidia.com/gpumem-percentage': 50 })).toBe(0.5);
    expect(gpuAllocationDevices({ 'nvidia.com/gpu': 2, 'nvidia.com/gpucores': 50 })).toBe(1);
  });

  it('should name resources as kube-state-metrics labels them', () => {
    expect(kubeStateMetricsResourceName('nvidia.com/gpu')).toBe('nvidia_com_gpu');
    expect(kubeStateMetricsResourceName('nvidia.com/mig-1g.10gb')).toBe('nvidia_com_mig_1g_10gb');
    expect(kubeStateMetricsResourceName('nvidia.com/gpumem-percentage')).toBe('nvidia_com_gpumem_percentage');
    expect(isGpuResource('nvidia.com/gpucores')).toBe(true);
    expect(isGpuResource('cpu')).toBe(false);
  });
});
