import { Global, Module } from '@nestjs/common';

import { AuditStore } from '../database/audit/audit-store';
import { DatabaseModule } from '../database/database.module';
import { UserDatabase } from '../database/user-database';
import { ApiCredentialsGuard } from '../guards/api-credentials.guard';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { ServiceOrAdminGuard } from '../guards/service-or-admin.guard';
import { AuditController, UiAuditController } from './audit.controller';
import { AuditService } from './audit.service';

/**
 * The audit trail: `AuditService` for every module (global, so auth, users, the guards and every
 * feature record without importing it), and its read endpoints. The JWT guard here relies on the
 * passport strategy AuthModule registers for the whole app.
 */
@Global()
@Module({
  imports: [DatabaseModule],
  controllers: [AuditController, UiAuditController],
  providers: [
    { provide: AuditStore, inject: [UserDatabase], useFactory: (database: UserDatabase) => new AuditStore(database) },
    { provide: AuditService, inject: [AuditStore], useFactory: (store: AuditStore) => new AuditService(store) },
    ApiCredentialsGuard,
    JwtAuthGuard,
    ServiceOrAdminGuard,
  ],
  exports: [AuditService],
})
export class AuditModule {}
