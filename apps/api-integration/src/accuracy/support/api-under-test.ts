/**
 * The whole API (createApp, every module) built in-process against a real InfluxDB database, called
 * through Fastify's HTTP stack with the service credentials.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';

import { watchLog } from '@kube-monitoring/testing';

import { createApp } from '../../../../api/src/bootstrap/create-app';
import { loadConfig } from '../../../../api/src/config/app-config';
import { createRootLogger } from '../../../../api/src/logging/app-logger';

export const SERVICE_HEADERS = { 'x-username': 'billing', 'x-password': 'accuracy-secret-7' };

export interface ApiUnderTest {
  /** The Nest application, to reach a service with a non-service scope. */
  app: NestFastifyApplication;
  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; text: string; headers: Record<string, unknown> }>;
  get<T>(path: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export interface StartApiOptions {
  /** Receives the API's log lines (JSON, info and above); silent without it. */
  logs?: string[];
}

export async function startApi(influxUrl: string, database: string, env: Record<string, string> = {}, options: StartApiOptions = {}): Promise<ApiUnderTest> {
  const url = new URL(influxUrl);
  const dir = mkdtempSync(join(tmpdir(), 'km-accuracy-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    API_USERNAME: SERVICE_HEADERS['x-username'],
    API_PASSWORD: SERVICE_HEADERS['x-password'],
    INFLUXDB_HOST: url.hostname,
    INFLUXDB_PORT: url.port,
    INFLUXDB_DB: database,
    INFLUXDB_TIMEOUT_MS: '120000',
    SQLITE_PATH: join(dir, 'users.sqlite'),
    LOG_DIR: dir,
    WEB_DIR: '',
    // Suites about the ledger turn it on; elsewhere its background rolls would race the assertions.
    LEDGER_ENABLED: 'false',
    ...env,
  });
  const logs = options.logs;
  // The API's own logger (its redaction and serializers), writing to the array.
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => done(void logs?.push(chunk.toString())) });
  const logger = logs ? createRootLogger({ logDir: '', logLevel: 'info' }, sink) : pino({ level: 'silent' });
  if (logs) watchLog(`log of the in-process API on ${database}`, () => logs.join(''));
  const app: NestFastifyApplication = await createApp(config, logger);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    async post<T>(path: string, body: unknown, headers: Record<string, string> = {}) {
      const res = await app.inject({
        method: 'POST',
        url: path,
        headers: { ...SERVICE_HEADERS, 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(body),
      });
      const json = (res.headers['content-type'] ?? '').toString().includes('json');
      return { status: res.statusCode, body: (json ? res.json() : undefined) as T, text: res.body, headers: res.headers };
    },
    async get<T>(path: string) {
      const res = await app.inject({ method: 'GET', url: path, headers: SERVICE_HEADERS });
      return { status: res.statusCode, body: res.json() as T };
    },
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the API's ledger has rolled every settled hour since it starts (`GET /api/ledger`). */
export async function waitForLedger(api: ApiUnderTest, timeoutMs = 240_000): Promise<{ podHours: number; backfill: { hours: number } }> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const res = await api.get<{ backfill: { done: boolean; hours: number }; podHours: number; lastError: string | null }>('/api/ledger');
    last = res.body;
    if (res.status === 200 && res.body.backfill.done) return res.body;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the ledger did not finish its backfill in ${timeoutMs} ms: ${JSON.stringify(last)}`);
}
