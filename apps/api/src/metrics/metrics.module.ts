import { Module } from '@nestjs/common';

import { AggregationModule } from '../aggregation/aggregation.module';
import { AuthModule } from '../auth/auth.module';
import { LimitsModule } from '../limits/limits.module';
import { MethodNotAllowedController } from './method-not-allowed.controller';
import { MetricQueryService } from './metric-query.service';
import { MetricsController, UiMetricsController } from './metrics.controller';
import { RawQueryService } from './raw-query.service';

@Module({
  imports: [AggregationModule, AuthModule, LimitsModule],
  controllers: [MetricsController, UiMetricsController, MethodNotAllowedController],
  providers: [MetricQueryService, RawQueryService],
  exports: [MetricQueryService],
})
export class MetricsModule {}
