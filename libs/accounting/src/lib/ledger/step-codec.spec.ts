import { crc32 as zlibCrc32 } from 'node:zlib';

import fc from 'fast-check';

import { StepSeries } from '../usage-engine';
import { HOUR_MS } from './ledger-records';
import { decodeSteps, encodeSteps } from './step-codec';

const HOUR = Date.UTC(2025, 9, 14, 7);

/** Strictly ascending whole-ms times within [hour − 1 h, hour + 2 h], with any finite float64 values. */
const seriesArb: fc.Arbitrary<StepSeries> = fc.uniqueArray(fc.integer({ min: -HOUR_MS, max: 2 * HOUR_MS }), { maxLength: 300 }).chain((offsets) =>
  fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: offsets.length, maxLength: offsets.length }).map((values) => ({
    times: offsets.sort((a, b) => a - b).map((o) => HOUR + o),
    values,
  })),
);

/** The bits of each value, so -0 and 0 (or two NaN payloads) are told apart. */
function bits(values: readonly number[]): string[] {
  return values.map((v) => Buffer.from(new Float64Array([v]).buffer).toString('hex'));
}

describe('step codec', () => {
  it('should give back every time and every value bit for bit', () => {
    fc.assert(
      fc.property(seriesArb, (series) => {
        const decoded = decodeSteps(encodeSteps(series, HOUR), HOUR);
        expect(decoded.times).toEqual(series.times);
        expect(bits(decoded.values)).toEqual(bits(series.values));
      }),
      { numRuns: 300 },
    );
  });

  it('should keep the edge values: -0, the smallest subnormal, the largest double, the range ends', () => {
    const series = { times: [HOUR - HOUR_MS, HOUR, HOUR + 1, HOUR + 2 * HOUR_MS], values: [-0, Number.MIN_VALUE, -Number.MAX_VALUE, 0.1 + 0.2] };
    const decoded = decodeSteps(encodeSteps(series, HOUR), HOUR);
    expect(decoded.times).toEqual(series.times);
    expect(bits(decoded.values)).toEqual(bits(series.values));
    expect(decodeSteps(encodeSteps({ times: [], values: [] }, HOUR), HOUR)).toEqual({ times: [], values: [] });
  });

  it('should take 12 bytes a step and end with the zlib CRC-32 of the rest', () => {
    const bytes = encodeSteps({ times: [HOUR, HOUR + 60_000], values: [1.5, 2] }, HOUR);
    expect(bytes.length).toBe(8 + 2 * 12 + 4);
    const body = bytes.subarray(0, bytes.length - 4);
    expect(Buffer.from(bytes).readUInt32LE(bytes.length - 4)).toBe(zlibCrc32(body));
  });

  it('should read a blob that is a view into a larger buffer, as drivers return them', () => {
    const series = { times: [HOUR + 5, HOUR + 65_005], values: [3.25, -7] };
    const encoded = encodeSteps(series, HOUR);
    const pool = new Uint8Array(encoded.length + 13);
    pool.set(encoded, 13);
    expect(decodeSteps(Buffer.from(pool.buffer, 13, encoded.length), HOUR)).toEqual(series);
  });

  it('should refuse to encode what it could not give back', () => {
    const at =
      (times: number[], values = times.map(() => 1)) =>
      () =>
        encodeSteps({ times, values }, HOUR);
    expect(at([HOUR - HOUR_MS - 1])).toThrow(RangeError);
    expect(at([HOUR + 2 * HOUR_MS + 1])).toThrow(RangeError);
    expect(at([HOUR + 0.5])).toThrow(RangeError);
    expect(at([HOUR + 2, HOUR + 1])).toThrow(RangeError);
    expect(at([HOUR, HOUR])).toThrow(RangeError);
    expect(at([HOUR], [NaN])).toThrow(RangeError);
    expect(at([HOUR], [Infinity])).toThrow(RangeError);
    expect(at([HOUR, HOUR + 1], [1])).toThrow(RangeError);
  });

  it('should throw on any flipped bit, truncation or extension of a blob', () => {
    const good = encodeSteps({ times: [HOUR - 60_000, HOUR, HOUR + 60_000], values: [10, 20.5, 1e-9] }, HOUR);
    for (let bit = 0; bit < good.length * 8; bit++) {
      const bad = good.slice();
      bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(() => decodeSteps(bad, HOUR)).toThrow(/corrupt step series/);
    }
    for (let length = 0; length < good.length; length++) expect(() => decodeSteps(good.subarray(0, length), HOUR)).toThrow(/corrupt step series/);
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(() => decodeSteps(longer, HOUR)).toThrow(/corrupt step series/);
  });

  it('should throw on a well-formed blob whose content breaks the rules (times out of order, a non-finite value)', () => {
    // Built by hand with a valid checksum, so only the content checks can catch them.
    const forge = (offsets: number[], values: number[]) => {
      const n = offsets.length;
      const buf = Buffer.alloc(8 + 12 * n + 4);
      buf.write('STP1', 0, 'latin1');
      buf.writeUInt32LE(n, 4);
      offsets.forEach((o, i) => buf.writeInt32LE(o, 8 + 4 * i));
      values.forEach((v, i) => buf.writeDoubleLE(v, 8 + 4 * n + 8 * i));
      buf.writeUInt32LE(zlibCrc32(buf.subarray(0, buf.length - 4)), buf.length - 4);
      return buf;
    };
    expect(decodeSteps(forge([0, 60_000], [1, 2]), HOUR)).toEqual({ times: [HOUR, HOUR + 60_000], values: [1, 2] });
    expect(() => decodeSteps(forge([60_000, 0], [1, 2]), HOUR)).toThrow(/out of order or range/);
    expect(() => decodeSteps(forge([3 * HOUR_MS], [1]), HOUR)).toThrow(/out of order or range/);
    expect(() => decodeSteps(forge([0], [NaN]), HOUR)).toThrow(/not finite/);
  });
});
