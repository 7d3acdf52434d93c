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

/** RFC 3339 text for a time bound; InfluxQL compares `time` with string literals in this form. */
export function timeParam(date: Date): string {
  return date.toISOString();
}
