import { valueOf } from './series.service';

/**
 * The chart's right edge: a 180 s bucket over 60 s samples whose newest sample is in the middle of
 * it. The case: lab-vision showed (5928 + 6974 + 0) / 3 millicores in the last point of a
 * 24-hour chart, where the two samples it held say (5928 + 6974) / 2.
 */
describe('valueOf at the edge of the data', () => {
  const gauge = { kind: 'gauge' as const };
  const from = Date.parse('2026-12-07T00:00:00Z');
  const period = { from: new Date(from), to: new Date(from + 24 * 3_600_000) };
  const stepS = 180;
  const sampleMs = 60_000;
  const halfMs = 30_000;
  const last = Math.floor((Date.parse('2026-12-07T11:00:30Z') - from) / (stepS * 1000));
  const pointMs = from + last * stepS * 1000;

  it('should be the mean of the samples the newest bucket holds, not count the unscraped rest as zero', () => {
    // The bucket holds the samples at point + 60 s and point + 120 s (each standing for ±30 s); the third not scraped yet.
    const newestMs = pointMs + 2 * sampleMs;
    const mean = valueOf(5928 + 6974, gauge, last, period, stepS, sampleMs, { newestMs, halfMs });
    expect(mean).toBeCloseTo((5928 + 6974) / 2, 6);
    // Without the edge, the old answer: diluted over the whole bucket.
    expect(valueOf(5928 + 6974, gauge, last, period, stepS, sampleMs)).toBeCloseTo((5928 + 6974) / 3, 6);
  });

  it('should leave full buckets before the edge as they were', () => {
    const newestMs = pointMs + 2 * sampleMs;
    expect(valueOf(3 * 6000, gauge, last - 1, period, stepS, sampleMs, { newestMs, halfMs })).toBeCloseTo(6000, 6);
  });

  it('should leave counters alone', () => {
    expect(valueOf(42, { kind: 'counter' }, last, period, stepS, sampleMs, { newestMs: pointMs, halfMs })).toBe(42);
  });

  it('should keep a full newest bucket whole', () => {
    expect(valueOf(3 * 6000, gauge, last, period, stepS, sampleMs, { newestMs: pointMs + 3 * sampleMs, halfMs })).toBeCloseTo(6000, 6);
  });
});
