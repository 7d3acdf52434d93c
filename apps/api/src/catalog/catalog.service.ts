import { Injectable } from '@nestjs/common';

import { HEAPSTER_GPU_METRIC, METRIC_CATALOG, MetricInfo, NamespacesResponse } from '@kube-monitoring/contract';
import { HEAPSTER_TAGS, namespaceTagValuesQuery } from '@kube-monitoring/influx';

import { AccessScope, allowedNamespaces, filterNamespaces } from '../access/access-scope';
import { InfluxConnection } from '../influx/influx-connection';
import { MetricSourceResolver } from '../influx/metric-source.resolver';

/** `GET /api/metrics` and `GET /api/namespaces`. */
@Injectable()
export class CatalogService {
  constructor(
    private readonly sources: MetricSourceResolver,
    private readonly influx: InfluxConnection,
  ) {}

  /** The catalog, each metric marked present when its measurement (or its fallback) is in the database. */
  async metrics(): Promise<MetricInfo[]> {
    const present = await this.sources.presentMeasurements();
    return Promise.all(
      METRIC_CATALOG.map(async (m) => {
        const { source } = await this.sources.resolve(m.name);
        return { name: m.name, description: m.description, unit: m.unit, kind: m.kind, main: m.main, present: present.has(source.measurement) };
      }),
    );
  }

  /**
   * Namespaces with series in the database, limited inside InfluxDB (and again here) to the ones
   * the caller may see.
   */
  async namespaces(scope: AccessScope): Promise<NamespacesResponse> {
    const present = await this.sources.presentMeasurements();
    const measurements = METRIC_CATALOG.filter((m) => m.levels.some((l) => l === 'pod' || l === 'pod_container' || l === 'ns'))
      .map((m) => m.name)
      .concat(HEAPSTER_GPU_METRIC)
      .filter((name) => present.has(name));
    if (measurements.length === 0) return { namespaces: [] };
    const allowed = allowedNamespaces(scope);
    const series = await this.influx.client.query(namespaceTagValuesQuery(measurements, HEAPSTER_TAGS.namespace, allowed === 'all' ? undefined : allowed));
    const names = new Set<string>();
    for (const s of series) {
      const valueIdx = s.columns.indexOf('value');
      for (const row of s.values) {
        const v = row[valueIdx];
        if (typeof v === 'string' && v !== '') names.add(v);
      }
    }
    return { namespaces: filterNamespaces(scope, [...names], (n) => n).sort() };
  }
}
