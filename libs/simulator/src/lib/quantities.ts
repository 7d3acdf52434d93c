/**
 * Positions in the per-container and per-interface quantity vectors (Float64Array).
 * Modules copy these into local constants: hot loops then read no module exports.
 */
export const ContainerQuantity = {
  /** Millicores. */
  CPU: 0,
  /** Bytes. */
  MEMORY: 1,
  /** MB of GPU memory. */
  GPU: 2,
  /** Page faults per second. */
  PAGE_FAULTS: 3,
  /** Major page faults per second. */
  MAJOR_PAGE_FAULTS: 4,
  COUNT: 5,
} as const;

/** All per second. */
export const NetworkQuantity = {
  RX: 0,
  TX: 1,
  RX_ERRORS: 2,
  TX_ERRORS: 3,
  COUNT: 4,
} as const;
