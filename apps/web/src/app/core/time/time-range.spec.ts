import { DEFAULT_RANGE, fromLocalInputValue, parseInstant, parseRefresh, parseTimeRange, resolveTimeRange, timeRangeToParams, toLocalInputValue } from './time-range';

const NOW = new Date('2024-03-01T12:00:00Z');

describe('parseTimeRange', () => {
  it('should default to the last hour', () => {
    expect(parseTimeRange({})).toEqual({ kind: 'preset', preset: DEFAULT_RANGE });
    expect(DEFAULT_RANGE).toBe('1h');
  });

  it.each(['1h', '6h', '24h', '7d', '30d'])('should accept the preset %s', (range) => {
    expect(parseTimeRange({ range })).toEqual({ kind: 'preset', preset: range });
  });

  it('should fall back to the default for unknown presets', () => {
    expect(parseTimeRange({ range: '2w' })).toEqual({ kind: 'preset', preset: '1h' });
  });

  it('should read a custom range with from and to', () => {
    expect(parseTimeRange({ range: 'custom', from: '2017-12-01', to: '2017-12-31T12:00:00Z' })).toEqual({
      kind: 'custom',
      from: new Date('2017-12-01T00:00:00Z'),
      to: new Date('2017-12-31T12:00:00Z'),
    });
  });

  it('should treat from without range as custom, and a missing to as now', () => {
    const selection = parseTimeRange({ from: '2024-03-01T10:00:00Z' });
    expect(selection).toEqual({ kind: 'custom', from: new Date('2024-03-01T10:00:00Z'), to: null });
    expect(resolveTimeRange(selection, NOW)).toEqual({ from: new Date('2024-03-01T10:00:00Z'), to: NOW });
  });

  it('should reject inverted or invalid custom ranges', () => {
    expect(parseTimeRange({ range: 'custom', from: '2024-03-02', to: '2024-03-01' })).toEqual({
      kind: 'preset',
      preset: '1h',
    });
    expect(parseTimeRange({ range: 'custom', from: 'yesterday' })).toEqual({ kind: 'preset', preset: '1h' });
    expect(parseTimeRange({ range: '6h', from: 'garbage' })).toEqual({ kind: 'preset', preset: '6h' });
  });
});

describe('parseInstant', () => {
  it('should read dates as 00:00 UTC, date-times without offset as UTC, offsets and epoch ms', () => {
    expect(parseInstant('2017-12-01')?.toISOString()).toBe('2017-12-01T00:00:00.000Z');
    expect(parseInstant('2017-12-01T08:30')?.toISOString()).toBe('2017-12-01T08:30:00.000Z');
    expect(parseInstant('2017-12-01T08:30:00+02:00')?.toISOString()).toBe('2017-12-01T06:30:00.000Z');
    expect(parseInstant('2017-12-01T08:30:00.123Z')?.toISOString()).toBe('2017-12-01T08:30:00.123Z');
    expect(parseInstant('1709294400000')?.toISOString()).toBe('2024-03-01T12:00:00.000Z');
  });

  it('should reject anything else', () => {
    expect(parseInstant('')).toBeNull();
    expect(parseInstant(null)).toBeNull();
    expect(parseInstant('2017-13-45')).toBeNull();
    expect(parseInstant('now-1h')).toBeNull();
  });
});

describe('resolveTimeRange', () => {
  it.each([
    ['1h', 3_600_000],
    ['6h', 6 * 3_600_000],
    ['24h', 86_400_000],
    ['7d', 7 * 86_400_000],
    ['30d', 30 * 86_400_000],
  ] as const)('should end the %s preset now', (preset, ms) => {
    const { from, to } = resolveTimeRange({ kind: 'preset', preset }, NOW);
    expect(to).toEqual(NOW);
    expect(to.getTime() - from.getTime()).toBe(ms);
  });
});

describe('timeRangeToParams', () => {
  it('should round-trip through the URL', () => {
    const custom = { kind: 'custom' as const, from: new Date('2024-01-01T00:00:00Z'), to: new Date('2024-01-02T00:00:00Z') };
    const params = timeRangeToParams(custom);
    expect(params).toEqual({ range: 'custom', from: '2024-01-01T00:00:00.000Z', to: '2024-01-02T00:00:00.000Z' });
    expect(parseTimeRange(params)).toEqual(custom);
  });

  it('should drop the default preset and the custom bounds', () => {
    expect(timeRangeToParams({ kind: 'preset', preset: '1h' })).toEqual({ range: null, from: null, to: null });
    expect(timeRangeToParams({ kind: 'preset', preset: '7d' })).toEqual({ range: '7d', from: null, to: null });
  });
});

describe('datetime-local values', () => {
  it('should convert in the browser time zone both ways', () => {
    const date = new Date(2024, 2, 1, 9, 5);
    expect(toLocalInputValue(date)).toBe('2024-03-01T09:05');
    expect(fromLocalInputValue('2024-03-01T09:05')).toEqual(date);
    expect(fromLocalInputValue('2024-03-01')).toBeNull();
  });
});

describe('parseRefresh', () => {
  it('should default to a minute, allow off, and clamp', () => {
    expect(parseRefresh(undefined)).toBe(60);
    expect(parseRefresh('0')).toBe(0);
    expect(parseRefresh('off')).toBe(0);
    expect(parseRefresh('30')).toBe(30);
    expect(parseRefresh('1')).toBe(10);
    expect(parseRefresh('999999')).toBe(86_400);
    expect(parseRefresh('fast')).toBe(60);
  });
});
