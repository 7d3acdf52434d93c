import { gpuCountOfLabels } from './node-gpus.reader';

describe('gpuCountOfLabels', () => {
  it('should read the GPU count of GPU Feature Discovery among a node’s labels', () => {
    expect(gpuCountOfLabels('kubernetes.io/hostname:gpu-1,nvidia.com/gpu.count:4,nvidia.com/gpu.product:NVIDIA-A100-SXM4-40GB')).toBe(4);
    expect(gpuCountOfLabels('nvidia.com/gpu.count:1,nvidia.com/mig.strategy:mixed')).toBe(1);
  });

  it('should give nothing for a node without the label, or with a count that is not a number', () => {
    expect(gpuCountOfLabels('kubernetes.io/hostname:node-1')).toBeUndefined();
    expect(gpuCountOfLabels('')).toBeUndefined();
    expect(gpuCountOfLabels('nvidia.com/gpu.count:many')).toBeUndefined();
  });
});
