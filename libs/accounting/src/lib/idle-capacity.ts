/**
 * Idle capacity in resource units: what the nodes offered (allocatable) and no pod held (requested),
 * never negative; requests beyond what was offered are their own figure, the overcommit.
 */
export interface Capacity {
  /** Millicore·seconds. */
  cpu: number;
  /** Byte·seconds. */
  memory: number;
  /** GPU device·seconds; undefined where GPU capacity is not known. */
  gpu?: number;
}

export interface IdleCapacity {
  idle: Capacity;
  overcommit: Capacity;
}

export function idleCapacity(offered: Capacity, held: Capacity): IdleCapacity {
  const idle = (o: number, h: number) => Math.max(0, o - h);
  const over = (o: number, h: number) => Math.max(0, h - o);
  const gpuKnown = offered.gpu !== undefined;
  return {
    idle: { cpu: idle(offered.cpu, held.cpu), memory: idle(offered.memory, held.memory), ...(gpuKnown ? { gpu: idle(offered.gpu as number, held.gpu ?? 0) } : {}) },
    overcommit: {
      cpu: over(offered.cpu, held.cpu),
      memory: over(offered.memory, held.memory),
      ...(gpuKnown ? { gpu: over(offered.gpu as number, held.gpu ?? 0) } : {}),
    },
  };
}
