import { Module } from '@nestjs/common';

import { AggregationModule } from '../aggregation/aggregation.module';
import { AuthModule } from '../auth/auth.module';
import { LimitsModule } from '../limits/limits.module';
import { SeriesController, UiSeriesController } from './series.controller';
import { SeriesService } from './series.service';

@Module({
  imports: [AuthModule, AggregationModule, LimitsModule],
  controllers: [SeriesController, UiSeriesController],
  providers: [SeriesService],
  exports: [SeriesService],
})
export class SeriesModule {}
