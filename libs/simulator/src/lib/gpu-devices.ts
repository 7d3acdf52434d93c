/**
 * GPU devices of a container, shared by the schemas that write one series per device (Heapster's
 * `accelerator/memory_used`, dcgm-exporter's `DCGM_FI_DEV_FB_USED`), so both split the same MB.
 */
import type { GpuDevicePlacement } from './cluster-model';
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

/** Salts so a node's GPUs draw UUIDs apart from containers' own devices. */
const SALT_NODE_GPU = 0x6e6f6465;
const SALT_MIG = 0x4d4947;

/** UUID of physical GPU `index` of a node (the GPUs of the MIG and HAMi nodes, shared by their pods). */
export function nodeGpuUuid(nodeId: number, index: number): string {
  return gpuUuid(hash32(nodeId, SALT_NODE_GPU), index);
}

/** UUID of a MIG device (`MIG-` and a UUID, the format since driver R470), stable per node, GPU and instance. */
export function migDeviceUuid(nodeId: number, index: number, instanceId: number): string {
  return `MIG-${gpuUuid(hash32(nodeId, index, SALT_MIG), instanceId).slice('GPU-'.length)}`;
}

/** The UUID a container sees for its device: the MIG device's, else the placed GPU's, else its own. */
export function containerDeviceUuid(containerId: number, device: number, placement: readonly GpuDevicePlacement[] | undefined): string {
  const placed = placement?.[device];
  return placed ? (placed.mig?.uuid ?? placed.uuid) : gpuUuid(containerId, device);
}
