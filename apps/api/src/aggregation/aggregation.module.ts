import { Module } from '@nestjs/common';

import { AggregationService } from './aggregation.service';
import { PodUsageService } from './pod-usage.service';

@Module({
  providers: [PodUsageService, AggregationService],
  exports: [PodUsageService, AggregationService],
})
export class AggregationModule {}
