/**
 * GPU devices of a container, shared by the schemas that write one series per device (Heapster's
 * `accelerator/memory_used`, dcgm-exporter's `DCGM_FI_DEV_FB_USED`), so both split the same MB.
 */
import { hash32 } from './prng';

const { floor } = Math;

/** A GPU UUID in NVIDIA's format, stable per container and device. */
export function gpuUuid(containerId: number, device: number): string {
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const a = hex(hash32(containerId, device, 1));
  const b = hex(hash32(containerId, device, 2));
  const c = hex(hash32(containerId, device, 3));
  const d = hex(hash32(containerId, device, 4));
  return `GPU-${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d.slice(0, 4)}`;
}

/** Device `device`'s share of a container's whole MB over `devices` devices: whole MB adding up exactly. */
export function deviceMegabytes(totalMegabytes: number, devices: number, device: number): number {
  const share = floor(totalMegabytes / devices);
  const rest = totalMegabytes - share * devices;
  return share + (device < rest ? 1 : 0);
}
