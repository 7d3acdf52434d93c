import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module';
import { DatabaseModule } from '../database/database.module';
import { ApiCredentialsGuard } from '../guards/api-credentials.guard';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { ServiceOrAdminGuard } from '../guards/service-or-admin.guard';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';

/** `/api/api-keys`: machine clients' keys. */
@Module({
  imports: [DatabaseModule, AuthModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiCredentialsGuard, JwtAuthGuard, ServiceOrAdminGuard],
})
export class ApiKeysModule {}
