import { Module } from '@nestjs/common';

import { DatabaseModule } from '../database/database.module';
import { UserDatabase } from '../database/user-database';
import { HealthController } from './health.controller';
import { READINESS_CHECKS } from './readiness-check';
import { userDatabaseReadiness } from './user-database.readiness';

@Module({
  imports: [DatabaseModule],
  controllers: [HealthController],
  providers: [{ provide: READINESS_CHECKS, inject: [UserDatabase], useFactory: (db: UserDatabase) => [userDatabaseReadiness(db)] }],
})
export class HealthModule {}
