import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';

import { createApp } from '../bootstrap/create-app';
import { loadConfig } from '../config/app-config';
import { buildOpenApiDocument } from './openapi';

/** The committed contract that billing clients generate code from. */
const COMMITTED = resolve(__dirname, '../../../../docs/openapi.json');

describe('OpenAPI document', () => {
  let app: NestFastifyApplication;
  let document: ReturnType<typeof buildOpenApiDocument>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'km-openapi-'));
    const config = loadConfig({
      API_USERNAME: 'u',
      API_PASSWORD: 'unit-test-service-password',
      INFLUXDB_HOST: '127.0.0.1',
      INFLUXDB_PORT: '9',
      LOG_DIR: '',
      SQLITE_PATH: join(dir, 'users.sqlite'),
      WEB_DIR: '',
    });
    app = await createApp(config, pino({ level: 'silent' }));
    await app.init();
    document = buildOpenApiDocument(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('should match the committed docs/openapi.json (run `npm run openapi` after changing the API)', () => {
    const generated = `${JSON.stringify(document, null, 2)}\n`;
    if (process.env['UPDATE_OPENAPI'] === '1') writeFileSync(COMMITTED, generated);
    expect(readFileSync(COMMITTED, 'utf8')).toEqual(generated);
  });

  it('should declare both auth schemes', () => {
    const schemes = document.components?.securitySchemes ?? {};
    expect(Object.keys(schemes).sort()).toEqual(expect.arrayContaining(['jwt', 'serviceUsername', 'servicePassword']));
  });

  it('should give every operation an id, a summary and an error response', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item as Record<string, { operationId?: string; summary?: string; responses?: object }>)) {
        if (!['get', 'post', 'patch', 'delete', 'put'].includes(method)) continue;
        expect({ path, method, operationId: op.operationId }).toEqual(expect.objectContaining({ operationId: expect.any(String) }));
        expect({ path, method, summary: op.summary }).toEqual(expect.objectContaining({ summary: expect.any(String) }));
      }
    }
  });
});
