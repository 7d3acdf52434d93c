import { reportSteps, resolveWindow, WindowError } from './report-window';
import { isTimeZone, startOfZonedDate } from './zoned-calendar';

const at = (iso: string) => Date.parse(iso);
const iso = (p: { fromMs: number; toMs: number }) => [new Date(p.fromMs).toISOString(), new Date(p.toMs).toISOString()];

describe('resolveWindow', () => {
  // Thursday 2026-12-03 10:15 UTC = 11:15 in Paris (CET, +1).
  const now = at('2026-12-03T10:15:30.250Z');

  it('should give the calendar keywords in UTC', () => {
    expect(iso(resolveWindow('today', now, 'UTC'))).toEqual(['2026-12-03T00:00:00.000Z', '2026-12-03T10:15:30.250Z']);
    expect(iso(resolveWindow('yesterday', now, 'UTC'))).toEqual(['2026-12-02T00:00:00.000Z', '2026-12-03T00:00:00.000Z']);
    expect(iso(resolveWindow('week', now, 'UTC'))).toEqual(['2026-11-30T00:00:00.000Z', '2026-12-03T10:15:30.250Z']);
    expect(iso(resolveWindow('lastweek', now, 'UTC'))).toEqual(['2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z']);
    expect(iso(resolveWindow('month', now, 'UTC'))).toEqual(['2026-12-01T00:00:00.000Z', '2026-12-03T10:15:30.250Z']);
    expect(iso(resolveWindow('lastmonth', now, 'UTC'))).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
  });

  it('should give the finance office’s days in its time zone', () => {
    expect(iso(resolveWindow('yesterday', now, 'Europe/Paris'))).toEqual(['2026-12-01T23:00:00.000Z', '2026-12-02T23:00:00.000Z']);
    // November in Paris: from CET midnight to CET midnight (DST ended on 25 October).
    expect(iso(resolveWindow('lastmonth', now, 'Europe/Paris'))).toEqual(['2026-10-31T23:00:00.000Z', '2026-11-30T23:00:00.000Z']);
    // October 2026 in Paris began in summer time and ended in winter time: 31 days and 1 hour.
    const october = resolveWindow('lastmonth', at('2026-11-10T12:00:00Z'), 'Europe/Paris');
    expect(iso(october)).toEqual(['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z']);
    expect((october.toMs - october.fromMs) / 3_600_000).toBe(31 * 24 + 1);
    // Just after midnight in Tokyo it is already "today" there, still yesterday in UTC.
    expect(iso(resolveWindow('today', at('2026-12-03T15:30:00Z'), 'Asia/Tokyo'))).toEqual(['2026-12-03T15:00:00.000Z', '2026-12-03T15:30:00.000Z']);
  });

  it('should take a Sunday into the week that began on Monday, and January’s last month from the year before', () => {
    expect(iso(resolveWindow('week', at('2026-12-06T23:59:59Z'), 'UTC'))[0]).toBe('2026-11-30T00:00:00.000Z');
    expect(iso(resolveWindow('week', at('2026-12-07T00:00:00Z'), 'UTC'))[0]).toBe('2026-12-07T00:00:00.000Z');
    expect(iso(resolveWindow('lastmonth', at('2027-01-15T08:00:00Z'), 'UTC'))).toEqual(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    expect(iso(resolveWindow('lastmonth', at('2024-03-31T08:00:00Z'), 'UTC'))).toEqual(['2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
  });

  it('should give relative windows up to now, and explicit ones exactly', () => {
    expect(iso(resolveWindow('24h', now, 'Europe/Paris'))).toEqual(['2026-12-02T10:15:30.250Z', '2026-12-03T10:15:30.250Z']);
    expect(iso(resolveWindow('7d', now, 'UTC'))).toEqual(['2026-11-26T10:15:30.250Z', '2026-12-03T10:15:30.250Z']);
    expect(iso(resolveWindow('2026-11-01T00:00:00+01:00,2026-12-01T00:00:00+01:00', now, 'UTC'))).toEqual(['2026-10-31T23:00:00.000Z', '2026-11-30T23:00:00.000Z']);
    expect(iso(resolveWindow(' 2026-11-01T00:00:00Z , 2026-11-02T00:00:00.5Z ', now, 'UTC'))).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.500Z']);
    // The API's one rule for instants: dates alone are 00:00 UTC.
    expect(iso(resolveWindow('2026-11-01,2026-12-01', now, 'Europe/Paris'))).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
  });

  it('should refuse what is no window, saying what is', () => {
    for (const bad of [
      '',
      'lastyear',
      '0h',
      '-1d',
      '1.5d',
      '3w',
      '123456d',
      '2026-11-01T00:00:00Z',
      '2026-11-01T00:00:00Z,',
      'a,b,c',
      '2026-02-30T00:00:00Z,2026-03-01T00:00:00Z',
    ]) {
      expect(() => resolveWindow(bad, now, 'UTC')).toThrow(WindowError);
    }
  });
});

describe('reportSteps', () => {
  it('should cut a period at day starts of the time zone, clipping the first and last', () => {
    const steps = reportSteps({ fromMs: at('2026-11-29T12:00:00Z'), toMs: at('2026-12-02T06:00:00Z') }, '1d', 'UTC', 100);
    expect(steps.map(iso)).toEqual([
      ['2026-11-29T12:00:00.000Z', '2026-11-30T00:00:00.000Z'],
      ['2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
      ['2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z'],
      ['2026-12-02T00:00:00.000Z', '2026-12-02T06:00:00.000Z'],
    ]);
  });

  it('should give the DST days their 23 and 25 hours, and hours that are the zone’s', () => {
    const paris = 'Europe/Paris';
    const march = reportSteps(
      { fromMs: startOfZonedDate({ year: 2026, month: 3, day: 28 }, paris), toMs: startOfZonedDate({ year: 2026, month: 3, day: 31 }, paris) },
      '1d',
      paris,
      10,
    );
    expect(march.map((s) => (s.toMs - s.fromMs) / 3_600_000)).toEqual([24, 23, 24]);
    const october = reportSteps(
      { fromMs: startOfZonedDate({ year: 2026, month: 10, day: 25 }, paris), toMs: startOfZonedDate({ year: 2026, month: 10, day: 26 }, paris) },
      '1h',
      paris,
      100,
    );
    expect(october).toHaveLength(25);
    // India is 5:30 ahead: its hours start at half past in UTC.
    const kolkata = reportSteps({ fromMs: at('2026-12-01T00:00:00Z'), toMs: at('2026-12-01T03:00:00Z') }, '1h', 'Asia/Kolkata', 10);
    expect(kolkata.map((s) => new Date(s.toMs).toISOString())).toEqual([
      '2026-12-01T00:30:00.000Z',
      '2026-12-01T01:30:00.000Z',
      '2026-12-01T02:30:00.000Z',
      '2026-12-01T03:00:00.000Z',
    ]);
  });

  it('should cut weeks on Mondays and months on their first day', () => {
    const weeks = reportSteps({ fromMs: at('2026-11-26T00:00:00Z'), toMs: at('2026-12-10T00:00:00Z') }, '1w', 'UTC', 10);
    expect(weeks.map((s) => new Date(s.fromMs).toISOString().slice(0, 10))).toEqual(['2026-11-26', '2026-11-30', '2026-12-07']);
    const months = reportSteps({ fromMs: at('2026-01-15T00:00:00Z'), toMs: at('2026-04-01T00:00:00Z') }, '1mo', 'UTC', 10);
    expect(months.map(iso)).toEqual([
      ['2026-01-15T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
      ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      ['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
    ]);
  });

  it('should tile the period exactly, and refuse more steps than allowed', () => {
    const period = { fromMs: at('2026-03-01T00:17:00Z'), toMs: at('2026-04-03T09:00:00Z') };
    for (const step of ['1h', '1d', '1w', '1mo'] as const) {
      const steps = reportSteps(period, step, 'America/New_York', 1000);
      expect(steps[0]?.fromMs).toBe(period.fromMs);
      expect(steps[steps.length - 1]?.toMs).toBe(period.toMs);
      steps.forEach((s, i) => {
        expect(s.toMs).toBeGreaterThan(s.fromMs);
        if (i > 0) expect(s.fromMs).toBe(steps[i - 1]?.toMs);
      });
    }
    expect(() => reportSteps(period, '1h', 'UTC', 100)).toThrow(WindowError);
  });
});

describe('isTimeZone', () => {
  it('should know IANA names and refuse others', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
