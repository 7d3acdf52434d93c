import { BadRequestException } from '@nestjs/common';

import { MAX_PERIOD_DAYS } from '@kube-monitoring/contract';

import { PeriodRule, resolvePeriod } from './period';

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

/** An instant as the DTOs hold it (`@IsInstant()` parsed it). */
const at = (iso: string) => new Date(iso);

describe('resolvePeriod', () => {
  const agg: PeriodRule = { defaultSpanMs: HOUR, maxDays: MAX_PERIOD_DAYS };

  it('should resolve instants and defaults into [from, to)', () => {
    expect(resolvePeriod(at('2017-12-01T00:00:00Z'), at('2017-12-02T00:00:00Z'), agg)).toEqual({ from: at('2017-12-01T00:00:00Z'), to: at('2017-12-02T00:00:00Z') });
    const now = at('2020-05-05T10:00:00Z');
    expect(resolvePeriod(undefined, null, { ...agg, now })).toEqual({ from: at('2020-05-05T09:00:00Z'), to: now });
    expect(resolvePeriod(null, undefined, { ...agg, now }).from).toEqual(at('2020-05-05T09:00:00Z'));
  });

  it('should accept the extreme periods inside the range', () => {
    expect(resolvePeriod(at('1970-01-01T00:00:00Z'), at('1970-01-02T00:00:00Z'), agg).from.getTime()).toBe(0);
    expect(resolvePeriod(at('2261-12-31T00:00:00Z'), at('2262-01-01T00:00:00Z'), agg).to).toEqual(at('2262-01-01T00:00:00Z'));
  });

  it('should refuse a default begin that falls before 1970, naming the begin field', () => {
    expect(messageOf(() => resolvePeriod(undefined, at('1970-01-01T00:30:00Z'), agg))).toMatch(
      /^timeBeginInterval: must be between 1970.*the default, 60 min before timeEndInterval/,
    );
  });

  it('should refuse an end not after the begin, naming the fields it is given', () => {
    expect(messageOf(() => resolvePeriod(at('2017-12-02T00:00:00Z'), at('2017-12-01T00:00:00Z'), agg))).toMatch(/^timeEndInterval: must be later than timeBeginInterval/);
    expect(messageOf(() => resolvePeriod(at('2017-12-01T00:00:00Z'), at('2017-12-01T00:00:00Z'), { defaultSpanMs: 0, fields: { begin: 'from', end: 'to' } }))).toBe(
      'to: must be later than from (2017-12-01T00:00:00.000Z)',
    );
  });

  it('should cap the period at maxDays, naming the end field, and not cap without maxDays', () => {
    const from = at('2023-01-01T00:00:00Z');
    expect(resolvePeriod(from, new Date(from.getTime() + 366 * DAY), agg).to).toEqual(at('2024-01-02T00:00:00Z'));
    expect(messageOf(() => resolvePeriod(from, new Date(from.getTime() + 366 * DAY + 1), agg))).toBe(
      'timeEndInterval: the period may cover at most 366 days; ask for several shorter periods',
    );
    expect(messageOf(() => resolvePeriod(at('1970-01-01T00:00:00Z'), at('2262-01-01T00:00:00Z'), agg))).toMatch(/^timeEndInterval: the period may cover at most 366 days/);
    expect(resolvePeriod(at('1970-01-01T00:00:00Z'), at('2262-01-01T00:00:00Z'), { defaultSpanMs: HOUR }).to).toEqual(at('2262-01-01T00:00:00Z'));
  });
});
