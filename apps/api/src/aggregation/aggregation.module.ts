import { Module } from '@nestjs/common';

import { DatabaseModule } from '../database/database.module';
import { AggregationService } from './aggregation.service';
import { PodUsageService } from './pod-usage.service';

@Module({
  imports: [DatabaseModule],
  providers: [PodUsageService, AggregationService],
  exports: [PodUsageService, AggregationService],
})
export class AggregationModule {}
