import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';

import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { InfluxModule } from './influx/influx.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [AppConfigModule.forRoot(config), LoggingModule.forRoot(logger), InfluxModule, HealthModule, MetricsModule],
    };
  }
}
