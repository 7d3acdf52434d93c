import { Decimal, sumOf } from './decimal';

describe('Decimal', () => {
  it('should add and multiply exactly where binary floats do not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(Decimal.parse('0.1').plus(Decimal.parse('0.2')).toString()).toBe('0.3');
    expect(Decimal.parse('1234.567891').times(Decimal.parse('0.012')).toString()).toBe('14.814814692');
    expect(sumOf(['0.10', '0.20', '-0.05'].map(Decimal.parse)).toString()).toBe('0.25');
  });

  it.each([
    ['2.345', 2, 'half-up', '2.35'],
    ['2.355', 2, 'half-even', '2.36'],
    ['2.345', 2, 'half-even', '2.34'],
    ['2.3450001', 2, 'half-even', '2.35'],
    ['-2.345', 2, 'half-up', '-2.35'],
    ['2.349', 2, 'down', '2.34'],
    ['-2.349', 2, 'down', '-2.34'],
    ['2.5', 0, 'half-up', '3'],
    ['7', 2, 'half-up', '7.00'],
    ['-0.004', 2, 'half-up', '0.00'],
  ] as const)('should round %s to %d decimals %s as %s', (value, decimals, mode, expected) => {
    expect(Decimal.parse(value).round(decimals, mode).toString()).toBe(expected);
  });

  it('should take a measured float at a fixed scale', () => {
    expect(Decimal.fromMeasure(1 / 3, 6).toString()).toBe('0.333333');
    expect(Decimal.fromMeasure(2, 6).toString()).toBe('2.000000');
    expect(Decimal.fromMeasure(0, 4).toString()).toBe('0.0000');
    expect(() => Decimal.fromMeasure(Number.NaN, 2)).toThrow(RangeError);
  });

  it('should refuse anything but a plain decimal', () => {
    for (const bad of ['', '1e3', '+1', '1,000', '1.', '.5', ' 1', 'NaN']) expect(() => Decimal.parse(bad)).toThrow(RangeError);
    expect(Decimal.parse('-0.50').toString()).toBe('-0.50');
    expect(Decimal.parse('007.10').toString()).toBe('7.10');
  });

  it('should compare across scales', () => {
    expect(Decimal.parse('1.50').compare(Decimal.parse('1.5'))).toBe(0);
    expect(Decimal.parse('1.49').compare(Decimal.parse('1.5'))).toBe(-1);
    expect(JSON.stringify({ a: Decimal.parse('1.20') })).toBe('{"a":"1.20"}');
  });
});
