import { lastMonth, parseUsagePeriod, periodDays, thisMonth, usagePeriodToParams } from './usage-period';

const NOW = new Date('2024-03-15T10:00:00Z');

describe('parseUsagePeriod', () => {
  it('should default to this month so far, where a new cluster has its data (UTC, end exclusive)', () => {
    expect(parseUsagePeriod({}, NOW)).toEqual({ kind: 'this-month', from: '2024-03-01', to: '2024-03-16' });
    expect(parseUsagePeriod({ period: 'last-month' }, NOW)).toEqual({ kind: 'last-month', from: '2024-02-01', to: '2024-03-01' });
  });

  it('should cross the year boundary', () => {
    expect(lastMonth(new Date('2024-01-10T00:00:00Z'))).toEqual({
      kind: 'last-month',
      from: '2023-12-01',
      to: '2024-01-01',
    });
  });

  it('should cover this month up to the end of today', () => {
    expect(thisMonth(NOW)).toEqual({ kind: 'this-month', from: '2024-03-01', to: '2024-03-16' });
    expect(parseUsagePeriod({ period: 'this-month' }, NOW).kind).toBe('this-month');
  });

  it('should read custom dates and reject bad ones', () => {
    expect(parseUsagePeriod({ period: 'custom', from: '2017-12-01', to: '2018-01-01' }, NOW)).toEqual({
      kind: 'custom',
      from: '2017-12-01',
      to: '2018-01-01',
    });
    expect(parseUsagePeriod({ from: '2017-12-01', to: '2018-01-01' }, NOW).kind).toBe('custom');
    expect(parseUsagePeriod({ period: 'custom', from: '2018-01-01', to: '2017-12-01' }, NOW).kind).toBe('this-month');
    expect(parseUsagePeriod({ period: 'custom', from: '2017-02-30', to: '2018-01-01' }, NOW).kind).toBe('this-month');
  });

  it('should write only what differs from the default', () => {
    expect(usagePeriodToParams(thisMonth(NOW))).toEqual({ period: null, from: null, to: null });
    expect(usagePeriodToParams(lastMonth(NOW))).toEqual({ period: 'last-month', from: null, to: null });
    expect(usagePeriodToParams({ kind: 'custom', from: '2017-12-01', to: '2018-01-01' })).toEqual({
      period: 'custom',
      from: '2017-12-01',
      to: '2018-01-01',
    });
  });

  it('should count the days of a period', () => {
    expect(periodDays({ kind: 'custom', from: '2017-12-01', to: '2018-01-01' })).toBe(31);
  });
});
