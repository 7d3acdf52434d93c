import { assertParamName } from './identifiers';

export type ParamValue = string | number | boolean;

/** An InfluxQL statement and its bound parameters (`$name` placeholders, sent as `params=`). */
export interface InfluxQuery {
  text: string;
  params: Record<string, ParamValue>;
}

/**
 * Collects bound parameters while a query is assembled, so builders never splice values into text.
 * `bind('ns', value)` returns the `$ns` placeholder.
 */
export class ParamBag {
  private readonly values: Record<string, ParamValue> = {};
  private counter = 0;

  bind(prefix: string, value: ParamValue): string {
    assertParamName(prefix);
    let name = prefix;
    while (name in this.values) name = `${prefix}_${++this.counter}`;
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`parameter ${name} is not finite`);
    this.values[name] = value;
    return `$${name}`;
  }

  toQuery(text: string): InfluxQuery {
    return { text, params: { ...this.values } };
  }
}

/** A series of an InfluxDB `/query` answer. */
export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
  partial?: boolean;
}

/**
 * InfluxDB keeps time as int64 nanoseconds since 1970 (1677-09-21T00:12:43Z to 2262-04-11T23:47:16Z);
 * a literal outside is a query error. These bounds stay a day inside, for InfluxDB's own arithmetic.
 */
export const INFLUX_TIME_RANGE = { earliest: new Date('1677-09-22T00:00:00Z'), latest: new Date('2262-04-10T00:00:00Z') } as const;

/**
 * RFC 3339 text for a time bound; InfluxQL compares `time` with string literals in this form. A read
 * margin or a bucket offset past InfluxDB's range is clamped to it: no sample can lie beyond.
 */
export function timeParam(date: Date): string {
  const t = Math.min(Math.max(date.getTime(), INFLUX_TIME_RANGE.earliest.getTime()), INFLUX_TIME_RANGE.latest.getTime());
  return new Date(t).toISOString();
}
