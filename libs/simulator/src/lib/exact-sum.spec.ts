import { ExactSum } from './exact-sum';

describe(ExactSum.name, () => {
  it('should add whole numbers beyond 2^53 without rounding', () => {
    const sum = new ExactSum();
    const term = 3_000_000_000_000_001;
    for (let i = 0; i < 1000; i++) sum.add(term);
    expect(sum.bigint()).toBe(BigInt(term) * 1000n);
  });

  it('should refuse fractions', () => {
    expect(() => new ExactSum().add(0.5)).toThrow(RangeError);
  });
});
