import { Provider } from '@nestjs/common';

import {
  CatalogReader,
  ChartSeriesReader,
  InfluxCatalogReader,
  InfluxChartSeriesReader,
  InfluxNamespacesReader,
  InfluxNodeGpusReader,
  InfluxPodLabelsReader,
  InfluxPodNodesReader,
  InfluxRawPointsReader,
  InfluxUsageSamples,
  MetricSource,
  NamespacesReader,
  NodeGpusReader,
  PodLabelsReader,
  PodNodesReader,
  RawPointsReader,
} from '@kube-monitoring/influx';

import { InfluxConnection } from './influx-connection';
import { MetricSourceResolver } from './metric-source.resolver';
import {
  CATALOG_READER,
  CHART_SERIES_READER,
  NAMESPACES_READER,
  NODE_GPUS_READER,
  POD_LABELS_READER,
  POD_NODES_READER,
  RAW_POINTS_READER,
  SourceSampleStore,
  STORE_PING,
  StorePing,
  USAGE_SAMPLES,
} from './reader-tokens';

/** The readers, each over the process's one InfluxDB connection. */
export const READER_PROVIDERS: Provider[] = [
  { provide: RAW_POINTS_READER, inject: [InfluxConnection], useFactory: (c: InfluxConnection): RawPointsReader => new InfluxRawPointsReader(c.client) },
  { provide: CATALOG_READER, inject: [InfluxConnection], useFactory: (c: InfluxConnection): CatalogReader => new InfluxCatalogReader(c.client) },
  { provide: NAMESPACES_READER, inject: [InfluxConnection], useFactory: (c: InfluxConnection): NamespacesReader => new InfluxNamespacesReader(c.client) },
  { provide: CHART_SERIES_READER, inject: [InfluxConnection], useFactory: (c: InfluxConnection): ChartSeriesReader => new InfluxChartSeriesReader(c.client) },
  {
    provide: USAGE_SAMPLES,
    inject: [InfluxConnection, MetricSourceResolver],
    useFactory: (c: InfluxConnection, sources: MetricSourceResolver): SourceSampleStore => new InfluxUsageSamples(c.client, (metric) => presentSource(sources, metric)),
  },
  { provide: NODE_GPUS_READER, inject: [InfluxConnection], useFactory: (c: InfluxConnection): NodeGpusReader => new InfluxNodeGpusReader(c.client) },
  { provide: POD_NODES_READER, inject: [InfluxConnection], useFactory: (c: InfluxConnection): PodNodesReader => new InfluxPodNodesReader(c.client) },
  { provide: POD_LABELS_READER, inject: [InfluxConnection], useFactory: (c: InfluxConnection): PodLabelsReader => new InfluxPodLabelsReader(c.client) },
  { provide: STORE_PING, inject: [InfluxConnection], useFactory: (c: InfluxConnection): StorePing => ({ ping: () => c.client.ping() }) },
];

/** Where a catalog metric is stored, when the schema collects it and the database holds it. */
export async function presentSource(sources: MetricSourceResolver, metric: string): Promise<MetricSource | undefined> {
  const source = await sources.sourceOf(metric);
  return source && (await sources.isPresent(source)) ? source : undefined;
}
