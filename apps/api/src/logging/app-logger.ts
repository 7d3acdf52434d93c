import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { createStream } from 'rotating-file-stream';

import { AppConfig } from '../config/app-config';
import { serializeError } from './error-serializer';

/** Paths that must never reach a log line: no password, token or hash is ever logged (docs/security.md). */
export const REDACTED_PATHS = [
  'req.headers["x-password"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-password"]',
  'headers.authorization',
  'password',
  '*.password',
  'accessToken',
  '*.accessToken',
  'token',
  // A database error's bound parameters (a password hash) and driver details, under whatever key an
  // error object is logged; `err` itself goes through serializeError, which keeps none of them.
  'parameters',
  '*.parameters',
  '*.*.parameters',
  'driverError',
  '*.driverError',
];

/**
 * JSON lines to stdout and to `LOG_DIR/info.log` (info and above) and `LOG_DIR/errors.log`
 * (errors), the original system's two files, rotated daily or at 10 MB, 14 files kept.
 */
export function createRootLogger(config: Pick<AppConfig, 'logDir' | 'logLevel'>, stdout: NodeJS.WritableStream = process.stdout): Logger {
  const streams: pino.StreamEntry[] = [{ level: 'trace', stream: stdout }];
  if (config.logDir) {
    mkdirSync(config.logDir, { recursive: true });
    const rotated = (name: string) => createStream(name, { path: config.logDir, size: '10M', interval: '1d', maxFiles: 14, compress: 'gzip' });
    streams.push({ level: 'info', stream: rotated('info.log') });
    streams.push({ level: 'error', stream: rotated('errors.log') });
  }
  return pino(
    {
      level: config.logLevel,
      base: { service: 'kube-monitoring-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError, cause: serializeError },
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.multistream(streams),
  );
}

/** Nest's logger interface on top of pino, so framework messages land in the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

export function logFile(config: Pick<AppConfig, 'logDir'>, name: 'info.log' | 'errors.log'): string {
  return join(config.logDir, name);
}
