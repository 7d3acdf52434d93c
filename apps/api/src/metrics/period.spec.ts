import { BadRequestException } from '@nestjs/common';

import { MAX_PERIOD_DAYS, PeriodRule, resolvePeriod } from './period';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof BadRequestException) return String((e.getResponse() as { message: string }).message);
    throw e;
  }
  throw new Error('expected a 400');
}

describe('resolvePeriod', () => {
  const agg: PeriodRule = { defaultSpanMs: HOUR, maxDays: MAX_PERIOD_DAYS };

  it('should resolve dates and defaults into [from, to)', () => {
    expect(resolvePeriod('2017-12-01', '2017-12-02', agg)).toEqual({ from: new Date('2017-12-01T00:00:00Z'), to: new Date('2017-12-02T00:00:00Z') });
    const now = new Date('2020-05-05T10:00:00Z');
    expect(resolvePeriod(undefined, null, { ...agg, now })).toEqual({ from: new Date('2020-05-05T09:00:00Z'), to: now });
    expect(resolvePeriod('', undefined, { ...agg, now }).from).toEqual(new Date('2020-05-05T09:00:00Z'));
  });

  it('should answer 400 naming the field for an instant InfluxDB cannot store (the request that ended the API)', () => {
    expect(messageOf(() => resolvePeriod('0001-01-01', '2026-12-03', agg))).toMatch(/^timeBeginInterval: must be between 1970-01-01T00:00:00Z and 2262-01-01T00:00:00Z/);
    expect(messageOf(() => resolvePeriod('2017-12-01', '9999-12-31', agg))).toMatch(/^timeEndInterval: must be between 1970/);
    expect(messageOf(() => resolvePeriod('1969-12-31', '1970-01-02', { defaultSpanMs: 0, fields: { begin: 'from', end: 'to' } }))).toMatch(/^from: must be between 1970/);
    expect(messageOf(() => resolvePeriod('2261-12-01', '2263-01-01', { defaultSpanMs: 0, fields: { begin: 'from', end: 'to' } }))).toMatch(/^to: must be between 1970/);
  });

  it('should accept the extreme periods inside the range', () => {
    expect(resolvePeriod('1970-01-01', '1970-01-02', agg).from.getTime()).toBe(0);
    expect(resolvePeriod('2261-12-31', '2262-01-01', agg).to).toEqual(new Date('2262-01-01T00:00:00Z'));
  });

  it('should refuse a default begin that falls before 1970, naming the begin field', () => {
    expect(messageOf(() => resolvePeriod(undefined, '1970-01-01T00:30:00Z', agg))).toMatch(/^timeBeginInterval: must be between 1970.*the default, 60 min before timeEndInterval/);
  });

  it('should refuse an end not after the begin', () => {
    expect(messageOf(() => resolvePeriod('2017-12-02', '2017-12-01', agg))).toMatch(/^timeEndInterval: must be later than timeBeginInterval/);
  });

  it('should cap the period at maxDays, naming the end field, and not cap without maxDays', () => {
    const from = '2023-01-01T00:00:00Z';
    expect(resolvePeriod(from, new Date(Date.parse(from) + 366 * DAY).toISOString(), agg).to).toEqual(new Date('2024-01-02T00:00:00Z'));
    expect(messageOf(() => resolvePeriod(from, new Date(Date.parse(from) + 366 * DAY + 1).toISOString(), agg))).toBe(
      'timeEndInterval: the period may cover at most 366 days; ask for several shorter periods',
    );
    expect(messageOf(() => resolvePeriod('1970-01-01', '2262-01-01', agg))).toMatch(/^timeEndInterval: the period may cover at most 366 days/);
    expect(resolvePeriod('1970-01-01', '2262-01-01', { defaultSpanMs: HOUR }).to).toEqual(new Date('2262-01-01T00:00:00Z'));
  });
});
