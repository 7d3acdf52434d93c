import { Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';

import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ApiKeyStore } from './api-keys/api-key-store';
import { BillingStore } from './billing/billing-store';
import { LedgerStore } from './ledger/ledger-store';
import { LedgerNodeStore } from './ledger/node-hours-store';
import { LedgerPodLabelStore } from './ledger/pod-labels-store';
import { UserDatabase } from './user-database';

/** The API's `UserDatabase`: connects at boot without ever failing the boot, closes at shutdown. */
@Injectable()
export class UserDatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly database: UserDatabase) {}

  async onModuleInit(): Promise<void> {
    // Resolves false when the store is down; it keeps reconnecting and the service API starts anyway.
    await this.database.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

/**
 * The user store (SQLite file or PostgreSQL) and the usage ledger kept in it. Import it where
 * `UserDatabase` or `LedgerStore` is needed, e.g. by the readiness check (`UserDatabase.ping()`).
 */
@Module({
  providers: [
    {
      provide: UserDatabase,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new UserDatabase({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath }, { logger: new Logger(UserDatabase.name) }),
    },
    UserDatabaseLifecycle,
    {
      // The usage ledger lives in the same database.
      provide: LedgerStore,
      inject: [UserDatabase],
      useFactory: (database: UserDatabase) => new LedgerStore(database),
    },
    { provide: LedgerNodeStore, inject: [UserDatabase], useFactory: (database: UserDatabase) => new LedgerNodeStore(database) },
    { provide: LedgerPodLabelStore, inject: [UserDatabase], useFactory: (database: UserDatabase) => new LedgerPodLabelStore(database) },
    { provide: ApiKeyStore, inject: [UserDatabase], useFactory: (database: UserDatabase) => new ApiKeyStore(database) },
    { provide: BillingStore, inject: [UserDatabase], useFactory: (database: UserDatabase) => new BillingStore(database) },
  ],
  exports: [UserDatabase, LedgerStore, LedgerNodeStore, LedgerPodLabelStore, ApiKeyStore, BillingStore],
})
export class DatabaseModule {}
