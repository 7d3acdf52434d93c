import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module';
import { DatabaseModule } from '../database/database.module';
import { ApiCredentialsGuard } from '../guards/api-credentials.guard';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { ServiceOrAdminGuard } from '../guards/service-or-admin.guard';
import { LedgerModule } from '../ledger/ledger.module';
import { UsageModule } from '../usage/usage.module';
import { BillingMeasureService } from './billing-measure.service';
import { BillingPeriodsService } from './billing-periods.service';
import { BillingTermsService } from './billing-terms.service';
import { BillingPeriodsController, BillingTermsController } from './billing.controller';

/** Billing: tariffs, cost centres, assignments, and the periods' invoices, closings and restatements. */
@Module({
  imports: [DatabaseModule, AuthModule, UsageModule, LedgerModule],
  controllers: [BillingTermsController, BillingPeriodsController],
  providers: [BillingTermsService, BillingPeriodsService, BillingMeasureService, ApiCredentialsGuard, JwtAuthGuard, ServiceOrAdminGuard],
  exports: [BillingPeriodsService],
})
export class BillingModule {}
