/**
 * A Fastify Nest app made of the users, auth, audit and database modules (plus probe controllers), with the
 * API's own validation pipe and error filter, so answers have the real `{code, message}` shape.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { DynamicModule, LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

import { noteSecret, watchLog, watchLogDir } from '@kube-monitoring/testing';

import { AuditModule } from '../../../../api/src/audit/audit.module';
import { AuthModule } from '../../../../api/src/auth/auth.module';
import { createValidationPipe } from '../../../../api/src/bootstrap/validation';
import { AppConfig, loadConfig } from '../../../../api/src/config/app-config';
import { AppConfigModule } from '../../../../api/src/config/config.module';
import { DatabaseModule } from '../../../../api/src/database/database.module';
import { UserDatabase } from '../../../../api/src/database/user-database';
import { ApiExceptionFilter } from '../../../../api/src/filters/api-exception.filter';
import { ApiKeyAuthModule } from '../../../../api/src/guards/api-key-verifier';
import { createRootLogger } from '../../../../api/src/logging/app-logger';
import { UsersModule } from '../../../../api/src/users/users.module';
import { UsersService } from '../../../../api/src/users/users.service';
import { ServiceProbeController, UiProbeController } from './probe.controllers';

export const SERVICE_HEADERS = { 'x-username': 'billing', 'x-password': 'billing-secret-1' };
export const JWT_SECRET = 'integration-secret-0123456789abcdef0123456789';

/** Keeps every log line so suites can check what is (and is not) logged. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, context?: string) {
    this.lines.push(`log [${context}] ${String(message)}`);
  }
  warn(message: unknown, context?: string) {
    this.lines.push(`warn [${context}] ${String(message)}`);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.lines.push(`error ${String(message)} ${rest.map(String).join(' ')}`);
  }
  debug() {
    return undefined;
  }
  verbose() {
    return undefined;
  }
}

@Module({})
class UsersTestAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: UsersTestAppModule,
      imports: [AppConfigModule.forRoot(config), DatabaseModule, UsersModule, AuthModule, ApiKeyAuthModule, AuditModule],
      controllers: [UiProbeController, ServiceProbeController],
    };
  }
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  logs: CapturingLogger;
  users: UsersService;
  database: UserDatabase;
  /** Everything the API's root logger wrote: its stdout stream (info.log and errors.log are in `logDir`). */
  stdout(): string;
  logDir: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment (JWT_EXPIRES_IN, …) on top of the store's. */
  env?: Record<string, string>;
}

export async function createTestApp(storeEnv: Record<string, string>, options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    API_USERNAME: SERVICE_HEADERS['x-username'],
    API_PASSWORD: SERVICE_HEADERS['x-password'],
    JWT_SECRET,
    // These suites are about people and their store; the ledger has its own.
    LEDGER_ENABLED: 'false',
    ...storeEnv,
    ...options.env,
  });
  const logs = new CapturingLogger();
  // The API's own root logger (stdout, info.log, errors.log), so suites see what production would log;
  // every suite's logs are scanned for secrets after it (apps/api-integration/src/log-scan.setup.ts).
  const logDir = mkdtempSync(join(tmpdir(), 'km-users-logs-'));
  let stdout = '';
  const stdoutStream = new PassThrough();
  stdoutStream.on('data', (d: Buffer) => (stdout += d.toString()));
  const rootLogger = createRootLogger({ logDir, logLevel: 'info' }, stdoutStream);
  watchLogDir(logDir);
  watchLog(`${logDir} (stdout)`, () => stdout);
  watchLog(`${logDir} (Nest logger)`, () => logs.lines.join('\n'));
  noteSecret(config.apiPassword);
  // As the API's own adapter: which proxies' X-Forwarded-For is believed decides the client address.
  const app = await NestFactory.create<NestFastifyApplication>(UsersTestAppModule.forRoot(config), new FastifyAdapter({ trustProxy: config.trustProxy }), {
    logger: logs,
    abortOnError: false,
  });
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(rootLogger));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    logs,
    users: app.get(UsersService),
    database: app.get(UserDatabase),
    stdout: () => stdout,
    logDir,
    close: async () => {
      await app.close();
      rootLogger.flush();
    },
  };
}
