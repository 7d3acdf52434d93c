import { fieldKeysQuery, measurementsQuery, tagKeysQuery, tagValuesQuery } from '../queries/catalog.query';
import { InfluxReads } from './influx-reads';

/** What the database holds: its measurements, their fields and tags. */
export interface CatalogReader {
  measurements(): Promise<string[]>;
  /** Per measurement, the names of its fields. */
  fieldKeys(): Promise<Map<string, Set<string>>>;
  tagKeys(measurement: string): Promise<string[]>;
  /** The values one tag of a measurement takes. */
  tagValues(measurement: string, tag: string): Promise<string[]>;
}

export class InfluxCatalogReader implements CatalogReader {
  constructor(private readonly influx: InfluxReads) {}

  async measurements(): Promise<string[]> {
    return firstColumn(await this.influx.query(measurementsQuery()));
  }

  async fieldKeys(): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    for (const s of await this.influx.query(fieldKeysQuery())) out.set(s.name, new Set(s.values.map((row) => String(row[0]))));
    return out;
  }

  async tagKeys(measurement: string): Promise<string[]> {
    return firstColumn(await this.influx.query(tagKeysQuery(measurement)));
  }

  async tagValues(measurement: string, tag: string): Promise<string[]> {
    // SHOW TAG VALUES answers rows of [key, value].
    return (await this.influx.query(tagValuesQuery(measurement, tag))).flatMap((s) => s.values.map((row) => String(row[1])));
  }
}

function firstColumn(series: { values: unknown[][] }[]): string[] {
  return series.flatMap((s) => s.values.map((row) => String(row[0])));
}
