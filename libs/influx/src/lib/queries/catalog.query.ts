import { quoteIdentifier } from '../identifiers';
import { InfluxQuery, ParamBag } from '../influx-query';

/** Measurements present in the database. */
export function measurementsQuery(): InfluxQuery {
  return { text: 'SHOW MEASUREMENTS LIMIT 10000', params: {} };
}

/** Values of the namespace tag of a measurement. */
export function tagValuesQuery(measurement: string, tag: string): InfluxQuery {
  const bag = new ParamBag();
  return bag.toQuery(`SHOW TAG VALUES FROM ${quoteIdentifier(measurement)} WITH KEY = ${quoteIdentifier(tag)}`);
}
