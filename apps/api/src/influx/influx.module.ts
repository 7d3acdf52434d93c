import { Global, Module } from '@nestjs/common';

import { InfluxConnection } from './influx-connection';
import { MeasuredSamples } from './measured-samples';
import { MetricSourceResolver } from './metric-source.resolver';
import { QueryMetrics } from './query-metrics';
import { READER_PROVIDERS } from './reader-providers';
import {
  CATALOG_READER,
  CHART_SERIES_READER,
  NAMESPACES_READER,
  NODE_GPUS_READER,
  POD_LABELS_READER,
  POD_NODES_READER,
  RAW_POINTS_READER,
  STORE_PING,
  USAGE_SAMPLES,
} from './reader-tokens';

/** The metrics database: one connection, and the readers the services read it through. */
@Global()
@Module({
  providers: [QueryMetrics, InfluxConnection, MetricSourceResolver, MeasuredSamples, ...READER_PROVIDERS],
  exports: [
    QueryMetrics,
    MetricSourceResolver,
    MeasuredSamples,
    RAW_POINTS_READER,
    CATALOG_READER,
    NAMESPACES_READER,
    CHART_SERIES_READER,
    USAGE_SAMPLES,
    STORE_PING,
    NODE_GPUS_READER,
    POD_NODES_READER,
    POD_LABELS_READER,
  ],
})
export class InfluxModule {}
