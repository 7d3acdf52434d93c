import { Module } from '@nestjs/common';

import { AggregationModule } from '../aggregation/aggregation.module';
import { AuthModule } from '../auth/auth.module';
import { LimitsModule } from '../limits/limits.module';
import { UsageReportService } from './usage-report.service';
import { UiUsageController, UsageController } from './usage.controller';

@Module({
  imports: [AuthModule, AggregationModule, LimitsModule],
  controllers: [UsageController, UiUsageController],
  providers: [UsageReportService],
  exports: [UsageReportService],
})
export class UsageModule {}
