import { Module } from '@nestjs/common';

import { DatabaseModule } from '../database/database.module';
import { UserDatabase } from '../database/user-database';
import { userDatabaseReadiness } from '../database/user-database.readiness';
import { HealthController } from './health.controller';
import { READINESS_CHECKS } from './readiness-check';

@Module({
  imports: [DatabaseModule],
  controllers: [HealthController],
  providers: [{ provide: READINESS_CHECKS, inject: [UserDatabase], useFactory: (db: UserDatabase) => [userDatabaseReadiness(db)] }],
})
export class HealthModule {}
