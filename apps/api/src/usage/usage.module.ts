import { Module } from '@nestjs/common';

import { AggregationModule } from '../aggregation/aggregation.module';
import { AuthModule } from '../auth/auth.module';
import { LimitsModule } from '../limits/limits.module';
import { UsageController, UiUsageController } from './usage.controller';
import { UsageReportService } from './usage-report.service';

@Module({
  imports: [AuthModule, AggregationModule, LimitsModule],
  controllers: [UsageController, UiUsageController],
  providers: [UsageReportService],
  exports: [UsageReportService],
})
export class UsageModule {}
