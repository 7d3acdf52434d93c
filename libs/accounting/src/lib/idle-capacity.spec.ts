import { idleCapacity } from './idle-capacity';

describe('idleCapacity', () => {
  it('should give what was offered and not held, never negative, and the overcommit apart', () => {
    expect(idleCapacity({ cpu: 100, memory: 50, gpu: 8 }, { cpu: 40, memory: 70, gpu: 3 })).toEqual({
      idle: { cpu: 60, memory: 0, gpu: 5 },
      overcommit: { cpu: 0, memory: 20, gpu: 0 },
    });
  });

  it('should leave GPUs out where their capacity is not known', () => {
    expect(idleCapacity({ cpu: 1, memory: 1 }, { cpu: 0, memory: 0, gpu: 2 })).toEqual({ idle: { cpu: 1, memory: 1 }, overcommit: { cpu: 0, memory: 0 } });
  });
});
