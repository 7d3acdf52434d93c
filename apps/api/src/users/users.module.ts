import { Module } from '@nestjs/common';

import { DatabaseModule } from '../database/database.module';
import { UserLookupCache } from './user-lookup-cache';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [DatabaseModule],
  controllers: [UsersController],
  providers: [UsersService, { provide: UserLookupCache, useFactory: () => new UserLookupCache() }],
  exports: [UsersService],
})
export class UsersModule {}
