import { Module } from '@nestjs/common';

import { AggregationModule } from '../aggregation/aggregation.module';
import { MetricQueryService } from './metric-query.service';
import { MetricsController } from './metrics.controller';
import { RawQueryService } from './raw-query.service';

@Module({
  imports: [AggregationModule],
  controllers: [MetricsController],
  providers: [MetricQueryService, RawQueryService],
  exports: [MetricQueryService],
})
export class MetricsModule {}
