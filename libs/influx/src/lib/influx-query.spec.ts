import { INFLUX_TIME_RANGE, timeParam } from './influx-query';
import { heapsterSource } from './metric-source';
import { podSamplesQuery } from './queries/pod-samples.query';

describe('timeParam', () => {
  it('should write a time bound as RFC 3339 UTC text', () => {
    expect(timeParam(new Date('2017-12-01T00:00:00Z'))).toBe('2017-12-01T00:00:00.000Z');
  });

  it("should clamp bounds beyond InfluxDB's int64 nanoseconds to its range", () => {
    // Four one-day steps of read margin past the latest accepted period end, and before 1970.
    expect(timeParam(new Date('2262-04-14T00:00:00Z'))).toBe(INFLUX_TIME_RANGE.latest.toISOString());
    expect(timeParam(new Date('0001-01-01T00:00:00Z'))).toBe(INFLUX_TIME_RANGE.earliest.toISOString());
    expect(timeParam(new Date('1969-12-28T00:00:00Z'))).toBe('1969-12-28T00:00:00.000Z');
    const q = podSamplesQuery(heapsterSource('cpu/usage_rate'), {}, new Date(-8.64e15), new Date(8.64e15));
    expect(Object.values(q.params)).toEqual(expect.arrayContaining([INFLUX_TIME_RANGE.earliest.toISOString(), INFLUX_TIME_RANGE.latest.toISOString()]));
  });
});
