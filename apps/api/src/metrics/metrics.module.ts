import { Module } from '@nestjs/common';

import { AggregationModule } from '../aggregation/aggregation.module';
import { MetricQueryService } from './metric-query.service';
import { MethodNotAllowedController } from './method-not-allowed.controller';
import { MetricsController } from './metrics.controller';
import { RawQueryService } from './raw-query.service';

@Module({
  imports: [AggregationModule],
  controllers: [MetricsController, MethodNotAllowedController],
  providers: [MetricQueryService, RawQueryService],
  exports: [MetricQueryService],
})
export class MetricsModule {}
