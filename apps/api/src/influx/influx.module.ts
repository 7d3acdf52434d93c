import { Global, Module } from '@nestjs/common';

import { InfluxConnection } from './influx-connection';
import { MetricSourceResolver } from './metric-source.resolver';
import { QueryMetrics } from './query-metrics';

@Global()
@Module({
  providers: [QueryMetrics, InfluxConnection, MetricSourceResolver],
  exports: [QueryMetrics, InfluxConnection, MetricSourceResolver],
})
export class InfluxModule {}
