import { hash32, hashUnit, SeededRandom, stringHash, suffixFrom } from './prng';

describe('prng', () => {
  it('should make hashUnit a pure function in [0, 1)', () => {
    const draws = Array.from({ length: 10_000 }, (_, i) => hashUnit(42, i, 7));
    expect(draws).toEqual(Array.from({ length: 10_000 }, (_, i) => hashUnit(42, i, 7)));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('should change the hash when any argument changes', () => {
    const base = hash32(1, 2, 3, 4);
    expect(new Set([base, hash32(2, 2, 3, 4), hash32(1, 3, 3, 4), hash32(1, 2, 4, 4), hash32(1, 2, 3, 5)]).size).toBe(5);
  });

  it('should replay a SeededRandom sequence from its seed', () => {
    const a = new SeededRandom(9);
    const b = new SeededRandom(9);
    expect(Array.from({ length: 100 }, () => a.int(0, 1000))).toEqual(Array.from({ length: 100 }, () => b.int(0, 1000)));
  });

  it('should make Kubernetes-looking suffixes', () => {
    expect(suffixFrom(stringHash('web'), 5)).toMatch(/^[0-9a-z]{5}$/);
    expect(suffixFrom(1, 10)).toBe(suffixFrom(1, 10));
  });
});
