import { namespaceTagValuesQuery } from '../queries/namespaces.query';
import { InfluxReads } from './influx-reads';

/** Namespaces that have series (an index lookup, no scan). */
export interface NamespacesReader {
  /** The values of the namespace tag `tag` in the given measurements, limited to `only` when given. */
  namespaces(measurements: readonly string[], tag: string, only?: readonly string[]): Promise<string[]>;
}

export class InfluxNamespacesReader implements NamespacesReader {
  constructor(private readonly influx: InfluxReads) {}

  async namespaces(measurements: readonly string[], tag: string, only?: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const s of await this.influx.query(namespaceTagValuesQuery(measurements, tag, only))) {
      const valueIdx = s.columns.indexOf('value');
      for (const row of s.values) {
        const v = row[valueIdx];
        if (typeof v === 'string' && v !== '') out.push(v);
      }
    }
    return out;
  }
}
