import { Module } from '@nestjs/common';

import { AggregationModule } from '../aggregation/aggregation.module';
import { UsageController } from './usage.controller';
import { UsageReportService } from './usage-report.service';

@Module({
  imports: [AggregationModule],
  controllers: [UsageController],
  providers: [UsageReportService],
  exports: [UsageReportService],
})
export class UsageModule {}
