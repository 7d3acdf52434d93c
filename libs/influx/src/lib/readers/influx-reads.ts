import type { SamplePiece } from '@kube-monitoring/accounting';

import { InfluxClient } from '../influx-client';

/** The part of the client the readers use: one statement answered whole, or streamed in pieces. */
export type InfluxReads = Pick<InfluxClient, 'query' | 'stream'>;

/**
 * A series piece's rows (time first, then the value at `valueColumn`) as parallel arrays, rows
 * without a value left out; `shiftMs` is added to every time.
 */
export function samplePiece<S>(series: S, rows: readonly unknown[][], valueColumn = 1, shiftMs = 0): SamplePiece<S> {
  const times = new Float64Array(rows.length);
  const values = new Float64Array(rows.length);
  let n = 0;
  for (const row of rows) {
    const v = row[valueColumn];
    if (v === null || v === undefined) continue;
    times[n] = Number(row[0]) + shiftMs;
    values[n] = Number(v);
    n++;
  }
  return n === rows.length ? { series, times, values } : { series, times: times.subarray(0, n), values: values.subarray(0, n) };
}
