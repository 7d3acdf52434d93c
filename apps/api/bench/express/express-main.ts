/**
 * Bench-only: the same `AppModule` on NestJS's default HTTP adapter (Express), as the baseline of
 * the "Fastify vs Express" comparison in `npm run bench`. Never shipped.
 *
 * It reproduces the per-request work of `apps/api/src/bootstrap/create-app.ts` with Express
 * equivalents, so the comparison measures the adapter and not a difference in features:
 * security headers (helmet, same policy), `x-request-id`, one pino log line per request,
 * Prometheus request counter + histogram, the seed-compatible body parsing (JSON without
 * `Content-Type`, forms), `/api` prefix, the global validation pipe and the JSON error filter.
 * Not reproduced (not on any measured path): Swagger UI and the static SPA. Route precedence:
 * see expressOrdered().
 *
 * Built by `apps/api/bench/express/webpack.config.js` (tsx cannot run Nest: decorator metadata). It
 * lives in the api project because it composes the API's own modules; tools/bench only runs the build.
 */
import { randomUUID } from 'node:crypto';
import { parse as parseQueryString } from 'node:querystring';

import { BadRequestException, DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

import { AppModule } from '../../src/app.module';
import { BODY_LIMIT_BYTES } from '../../src/bootstrap/create-app';
import { createValidationPipe } from '../../src/bootstrap/validation';
import { loadConfig } from '../../src/config/app-config';
import { ApiExceptionFilter } from '../../src/filters/api-exception.filter';
import { QueryMetrics } from '../../src/influx/query-metrics';
import { createRootLogger, PinoNestLogger } from '../../src/logging/app-logger';
import { MethodNotAllowedController } from '../../src/metrics/method-not-allowed.controller';
import { MetricsModule } from '../../src/metrics/metrics.module';

/**
 * The same modules in an order that gives Express the Fastify router's precedence. Fastify prefers
 * the more specific route (`POST /api/usage` over `POST /api/*`, `/api/ui/*` over `/api/*`) whatever
 * the registration order; Express takes the first route registered that matches. So the module
 * holding the metric wildcards goes last, and inside it `/api/ui/*` comes before `/api/*` and the
 * 405 catch-alls come last: a copy of MetricsModule's own metadata with its controllers reordered.
 */
function expressOrdered(root: DynamicModule): DynamicModule {
  class ExpressOrderedMetricsModule {}
  for (const key of ['imports', 'providers', 'exports']) {
    Reflect.defineMetadata(key, Reflect.getMetadata(key, MetricsModule), ExpressOrderedMetricsModule);
  }
  const controllers = (Reflect.getMetadata('controllers', MetricsModule) ?? []) as Type[];
  const rank = (c: Type) => (c === MethodNotAllowedController ? 2 : c.name.startsWith('Ui') ? 0 : 1);
  Reflect.defineMetadata(
    'controllers',
    [...controllers].sort((a, b) => rank(a) - rank(b)),
    ExpressOrderedMetricsModule,
  );
  const imports = root.imports ?? [];
  return { ...root, imports: [...imports.filter((m) => m !== MetricsModule), ExpressOrderedMetricsModule] };
}

function parseBody(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      throw new BadRequestException('body: not valid JSON');
    }
  }
  return { ...parseQueryString(trimmed) };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createRootLogger(config);
  const server = express();
  server.disable('x-powered-by');
  server.set('trust proxy', true);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kube_monitoring_' });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'kube_monitoring_http_requests_total', help: 'requests', labelNames, registers: [registry] });
  const latency = new Histogram({
    name: 'kube_monitoring_http_request_duration_seconds',
    help: 'latency',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  server.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", "'unsafe-inline'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  server.use((req: Request, res: Response, next: NextFunction) => {
    const id = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader('x-request-id', id);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      requests.inc(labels);
      latency.observe(labels, ms / 1000);
      logger.info({ reqId: id, method: req.method, url: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(ms) }, 'request completed');
    });
    next();
  });
  server.use(express.text({ type: () => true, limit: BODY_LIMIT_BYTES }));
  server.use((req: Request, _res: Response, next: NextFunction) => {
    if (typeof req.body !== 'string') return next();
    try {
      req.body = parseBody(req.body);
      next();
    } catch (e) {
      next(e);
    }
  });
  // Body and parse errors leave as the API's JSON errors, as in the Fastify app.
  server.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const e = error as { status?: number; statusCode?: number; type?: string; getStatus?: () => number; message?: string };
    const status = e.getStatus?.() ?? e.statusCode ?? e.status ?? 500;
    const message = e.type === 'entity.too.large' ? 'body: request body is too large' : status < 500 ? (e.message ?? 'Bad request') : 'Internal server error';
    res.status(status).type('application/json; charset=utf-8').send({ code: status, message });
  });
  server.get('/metrics', (_req: Request, res: Response, next: NextFunction) => {
    registry
      .metrics()
      .then((text) => res.type(registry.contentType).send(text))
      .catch(next);
  });

  const app = await NestFactory.create<NestExpressApplication>(expressOrdered(AppModule.forRoot(config, logger)), new ExpressAdapter(server), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  const queryMetrics = app.get(QueryMetrics);
  const influx = new Histogram({ name: 'kube_monitoring_influxdb_request_duration_seconds', help: 'influx', labelNames: ['kind', 'outcome'] as const, registers: [registry] });
  queryMetrics.subscribe((kind, seconds, ok) => influx.observe({ kind, outcome: ok ? 'ok' : 'error' }, seconds));
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  await app.listen(config.port, config.host);
  logger.info({ port: config.port }, `kube-monitoring API (Express baseline) listening on ${config.host}:${config.port}`);

  const shutdown = () => {
    app
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`express baseline: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
