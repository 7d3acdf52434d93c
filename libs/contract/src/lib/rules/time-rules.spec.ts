import { checkIsoTime, EARLIEST_INSTANT, LATEST_INSTANT } from './time-rules';

describe('checkIsoTime', () => {
  it.each([
    ['1970-01-01', '1970-01-01T00:00:00.000Z'],
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
    ['1970-01-01T01:00:00+01:00', '1970-01-01T00:00:00.000Z'],
    ['2017-12-01', '2017-12-01T00:00:00.000Z'],
    ['2017-12-01 12:30', '2017-12-01T12:30:00.000Z'],
    ['2017-12-01T12:30:00.123456789Z', '2017-12-01T12:30:00.123Z'],
    ['2261-12-31T23:59:59.999Z', '2261-12-31T23:59:59.999Z'],
    ['2262-01-01', '2262-01-01T00:00:00.000Z'],
    ['2262-01-01T00:00:00Z', '2262-01-01T00:00:00.000Z'],
  ])('should accept %s', (text, iso) => {
    expect(checkIsoTime(text).date?.toISOString()).toBe(iso);
  });

  it.each([
    '0000-01-01',
    '0001-01-01',
    '0001-01-01T00:00:00Z',
    '1969-12-31',
    '1969-12-31T23:59:59.999Z',
    '1970-01-01T00:30:00+01:00',
    '2262-01-01T00:00:00.001Z',
    '2262-01-01T00:00:00-00:01',
    '2262-01-02',
    '2262-04-11',
    '2262-04-11T23:47:16Z',
    '2262-04-12',
    '2263-01-01',
    '9999-12-31',
    '9999-12-31T23:59:59Z',
  ])('should refuse %s as outside the instants InfluxDB can store, dates and date-times alike', (text) => {
    expect(checkIsoTime(text).problem).toMatch(/^must be between 1970-01-01T00:00:00Z and 2262-01-01T00:00:00Z \(what InfluxDB can store\), got /);
  });

  it.each(['yesterday', '2017-02-30', '2017-02-30T00:00:00Z', '2017-13-01', '2017-12-01T25:61:00Z', '99999-12-01', '2017-12-01T00:00:00+99:00', ''])(
    'should refuse %j as not a date',
    (text) => {
      expect(checkIsoTime(text).problem).toMatch(/^must be an ISO-8601 date \(2017-12-01\) or date-time/);
    },
  );

  it('should keep the latest instant well inside int64 nanoseconds, with room for read margins of days', () => {
    const int64NanosEnd = Date.UTC(2262, 3, 11, 23, 47, 16, 854);
    expect(int64NanosEnd - LATEST_INSTANT.getTime()).toBeGreaterThan(90 * 86_400_000);
    expect(EARLIEST_INSTANT.getTime()).toBe(0);
  });
});
