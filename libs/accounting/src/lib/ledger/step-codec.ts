import { StepSeries } from '../usage-engine';
import { HOUR_MS } from './ledger-records';

/**
 * A namespace-hour's per-step series as bytes, for the ledger's store, exactly: values are kept as
 * float64, bit for bit; times as int32 ms offsets from the hour's start, which they fit since a
 * series read for an hour, margins included, lies within [hour − 1 h, hour + 2 h].
 *
 * Layout, little-endian: "STP1", u32 count n, n × i32 time offsets (strictly ascending), n × f64
 * values (finite), u32 CRC-32 of everything before it. A blob that is not exactly that throws.
 */
const MAGIC = [0x53, 0x54, 0x50, 0x31]; // "STP1"
const HEADER_BYTES = 8;
const CHECKSUM_BYTES = 4;
const MIN_OFFSET_MS = -HOUR_MS;
const MAX_OFFSET_MS = 2 * HOUR_MS;

export function encodeSteps(series: StepSeries, hourMs: number): Uint8Array {
  const n = series.times.length;
  if (series.values.length !== n) throw new RangeError(`step series has ${n} times but ${series.values.length} values`);
  const bytes = new Uint8Array(HEADER_BYTES + 12 * n + CHECKSUM_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(4, n, true);
  const valuesAt = HEADER_BYTES + 4 * n;
  let previous = -Infinity;
  for (let i = 0; i < n; i++) {
    const offset = (series.times[i] as number) - hourMs;
    const value = series.values[i] as number;
    if (!Number.isInteger(offset) || offset < MIN_OFFSET_MS || offset > MAX_OFFSET_MS || offset <= previous) {
      throw new RangeError(`step time ${series.times[i]} is not an ascending whole ms within [hour − 1 h, hour + 2 h] of ${hourMs}`);
    }
    if (!Number.isFinite(value)) throw new RangeError(`step value ${value} at ${series.times[i]} is not finite`);
    view.setInt32(HEADER_BYTES + 4 * i, offset, true);
    view.setFloat64(valuesAt + 8 * i, value, true);
    previous = offset;
  }
  view.setUint32(bytes.length - CHECKSUM_BYTES, crc32(bytes, bytes.length - CHECKSUM_BYTES), true);
  return bytes;
}

export function decodeSteps(bytes: Uint8Array, hourMs: number): StepSeries {
  const corrupt = (why: string) => new Error(`corrupt step series blob (${bytes.length} bytes): ${why}`);
  if (bytes.length < HEADER_BYTES + CHECKSUM_BYTES) throw corrupt('too short');
  // Drivers hand out Buffers that are views into a shared pool: read at the view's own offset.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (MAGIC.some((b, i) => bytes[i] !== b)) throw corrupt('unknown format');
  const n = view.getUint32(4, true);
  if (bytes.length !== HEADER_BYTES + 12 * n + CHECKSUM_BYTES) throw corrupt(`length does not match ${n} steps`);
  if (view.getUint32(bytes.length - CHECKSUM_BYTES, true) !== crc32(bytes, bytes.length - CHECKSUM_BYTES)) throw corrupt('checksum mismatch');
  const times = new Array<number>(n);
  const values = new Array<number>(n);
  const valuesAt = HEADER_BYTES + 4 * n;
  let previous = -Infinity;
  for (let i = 0; i < n; i++) {
    const offset = view.getInt32(HEADER_BYTES + 4 * i, true);
    const value = view.getFloat64(valuesAt + 8 * i, true);
    if (offset < MIN_OFFSET_MS || offset > MAX_OFFSET_MS || offset <= previous) throw corrupt(`time offset ${offset} out of order or range`);
    if (!Number.isFinite(value)) throw corrupt(`value ${value} is not finite`);
    times[i] = hourMs + offset;
    values[i] = value;
    previous = offset;
  }
  return { times, values };
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as zlib's) of the first `length` bytes. */
function crc32(bytes: Uint8Array, length: number): number {
  const table = (crcTable ??= makeCrcTable());
  let crc = 0xffffffff;
  for (let i = 0; i < length; i++) crc = (table[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}
