import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';

import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BillingModule } from './billing/billing.module';
import { CatalogModule } from './catalog/catalog.module';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { ApiKeyAuthModule } from './guards/api-key-verifier';
import { HealthModule } from './health/health.module';
import { InfluxModule } from './influx/influx.module';
import { LedgerModule } from './ledger/ledger.module';
import { LoggingModule } from './logging/logging.module';
import { McpModule } from './mcp/mcp.module';
import { MetricsModule } from './metrics/metrics.module';
import { SeriesModule } from './series/series.module';
import { UsageModule } from './usage/usage.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        InfluxModule,
        AuthModule,
        HealthModule,
        MetricsModule,
        UsageModule,
        SeriesModule,
        CatalogModule,
        LedgerModule,
        BillingModule,
        McpModule,
        ApiKeyAuthModule,
        AuditModule,
        ApiKeysModule,
      ],
    };
  }
}
