import { Inject, Injectable } from '@nestjs/common';

import { compareNames } from '@kube-monitoring/accounting';
import { HEAPSTER_GPU_METRIC, METRIC_CATALOG, MetricInfo, NamespacesResponse } from '@kube-monitoring/contract';
import { HEAPSTER_TAGS, MetricSource, NamespacesReader } from '@kube-monitoring/influx';

import { AccessScope } from '../access/access-scope';
import { namespaceFilterFor, visibleNamespaces } from '../access/namespace-policy';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { NAMESPACES_READER } from '../influx/reader-tokens';

/** `GET /api/metrics` and `GET /api/namespaces`. */
@Injectable()
export class CatalogService {
  constructor(
    private readonly sources: MetricSourceResolver,
    @Inject(NAMESPACES_READER) private readonly namespacesReader: NamespacesReader,
  ) {}

  /**
   * The catalog, each metric marked present when the database holds its field (or its fallback's);
   * a metric the storage schema's collector does not gather is absent.
   */
  async metrics(): Promise<MetricInfo[]> {
    return Promise.all(
      METRIC_CATALOG.map(async (m) => {
        const source = await this.sources.sourceOf(m.name);
        const present = source ? await this.sources.isPresent(source) : false;
        return { name: m.name, description: m.description, unit: m.unit, kind: m.kind, main: m.main, present };
      }),
    );
  }

  /**
   * Namespaces with series in the database, limited inside InfluxDB (and again here) to the ones
   * the caller may see.
   */
  async namespaces(scope: AccessScope): Promise<NamespacesResponse> {
    const present = await this.sources.presentMeasurements();
    const byTag = new Map<string, Set<string>>();
    for (const { measurement, tag } of await this.namespacedMeasurements()) {
      if (!present.has(measurement)) continue;
      byTag.set(tag, (byTag.get(tag) ?? new Set()).add(measurement));
    }
    if (byTag.size === 0) return { namespaces: [] };
    // Every namespace the caller may see, kube-system included.
    const { only } = namespaceFilterFor(scope, { includeSystem: true });
    const names = new Set<string>();
    // One index lookup per namespace tag name (a single one in either schema).
    for (const [tag, measurements] of byTag) {
      for (const name of await this.namespacesReader.namespaces([...measurements], tag, only)) names.add(name);
    }
    return { namespaces: visibleNamespaces(scope, [...names]).sort(compareNames) };
  }

  /** Measurements of the metrics stored per pod, and their namespace tag (Heapster's GPU bytes too). */
  private async namespacedMeasurements(): Promise<{ measurement: string; tag: string }[]> {
    const sources = await Promise.all(
      METRIC_CATALOG.filter((m) => m.levels.some((l) => l === 'pod' || l === 'pod_container' || l === 'ns')).map((m) => this.sources.sourceOf(m.name)),
    );
    const perPod = sources.filter((s): s is MetricSource => s !== undefined && (s.podLevel !== undefined || s.containerLevel !== undefined));
    const out = new Map(perPod.map((s) => [s.measurement, { measurement: s.measurement, tag: s.tags.namespace }]));
    if ((await this.sources.schema()) === 'heapster') out.set(HEAPSTER_GPU_METRIC, { measurement: HEAPSTER_GPU_METRIC, tag: HEAPSTER_TAGS.namespace });
    return [...out.values()];
  }
}
