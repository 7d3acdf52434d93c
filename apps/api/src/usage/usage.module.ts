import { Module } from '@nestjs/common';

import { AggregationModule } from '../aggregation/aggregation.module';
import { AuthModule } from '../auth/auth.module';
import { DatabaseModule } from '../database/database.module';
import { LimitsModule } from '../limits/limits.module';
import { NodeCapacityService } from './node-capacity.service';
import { PodLabelsService } from './pod-labels.service';
import { UsageReportService } from './usage-report.service';
import { UiUsageController, UsageController } from './usage.controller';

@Module({
  imports: [AuthModule, AggregationModule, DatabaseModule, LimitsModule],
  controllers: [UsageController, UiUsageController],
  providers: [UsageReportService, NodeCapacityService, PodLabelsService],
  // PodLabelsService: each pod's labels over a period, for billing by label.
  exports: [UsageReportService, PodLabelsService],
})
export class UsageModule {}
