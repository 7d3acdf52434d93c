import { InfluxQuery } from '../influx-query';

/** Measurements present in the database. */
export function measurementsQuery(): InfluxQuery {
  return { text: 'SHOW MEASUREMENTS LIMIT 10000', params: {} };
}
