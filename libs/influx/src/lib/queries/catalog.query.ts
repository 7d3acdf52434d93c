import { quoteIdentifier } from '../identifiers';
import { InfluxQuery } from '../influx-query';

/** Measurements present in the database. */
export function measurementsQuery(): InfluxQuery {
  return { text: 'SHOW MEASUREMENTS LIMIT 10000', params: {} };
}

/** Field keys (and types) of every measurement: which metric's field is stored. */
export function fieldKeysQuery(): InfluxQuery {
  return { text: 'SHOW FIELD KEYS', params: {} };
}

/** Tag keys of a measurement (e.g. dcgm-exporter's `Hostname`, renamed `hostname` in 2026). */
export function tagKeysQuery(measurement: string): InfluxQuery {
  return { text: `SHOW TAG KEYS FROM ${quoteIdentifier(measurement)}`, params: {} };
}

/** Values of one tag of a measurement (kube-state-metrics' `resource`: which GPU resources are requested). */
export function tagValuesQuery(measurement: string, tag: string): InfluxQuery {
  return { text: `SHOW TAG VALUES FROM ${quoteIdentifier(measurement)} WITH KEY = ${quoteIdentifier(tag)}`, params: {} };
}
