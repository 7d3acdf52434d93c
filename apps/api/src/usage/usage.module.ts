import { Module } from '@nestjs/common';

import { AggregationModule } from '../aggregation/aggregation.module';
import { AuthModule } from '../auth/auth.module';
import { DatabaseModule } from '../database/database.module';
import { LimitsModule } from '../limits/limits.module';
import { NodeCapacityService } from './node-capacity.service';
import { UsageReportService } from './usage-report.service';
import { UiUsageController, UsageController } from './usage.controller';

@Module({
  imports: [AuthModule, AggregationModule, DatabaseModule, LimitsModule],
  controllers: [UsageController, UiUsageController],
  providers: [UsageReportService, NodeCapacityService],
  exports: [UsageReportService],
})
export class UsageModule {}
