import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module';
import { DatabaseModule } from '../database/database.module';
import { ApiCredentialsGuard } from '../guards/api-credentials.guard';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { ServiceOrAdminGuard } from '../guards/service-or-admin.guard';
import { ClosedPeriods } from './closed-periods';
import { LedgerRoller } from './ledger-roller';
import { LedgerWorker } from './ledger-worker';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';

/** The usage ledger: its store in the users' database, the worker that fills it, its endpoints. */
@Module({
  imports: [DatabaseModule, AuthModule],
  controllers: [LedgerController],
  providers: [ClosedPeriods, LedgerRoller, LedgerWorker, LedgerService, ApiCredentialsGuard, JwtAuthGuard, ServiceOrAdminGuard],
  exports: [LedgerWorker, ClosedPeriods],
})
export class LedgerModule {}
