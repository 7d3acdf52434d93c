import { randomUUID } from 'node:crypto';

import fastifyCors from '@fastify/cors';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'pino';

import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { ApiExceptionFilter } from '../filters/api-exception.filter';
import { QueryMetrics } from '../influx/query-metrics';
import { LedgerWorker } from '../ledger/ledger-worker';
import { PinoNestLogger } from '../logging/app-logger';
import { pathForLog } from '../logging/log-url';
import { McpService } from '../mcp/mcp.service';
import { registerPrometheusMetrics } from '../observability/prometheus-metrics';
import { setupOpenApi } from '../openapi/openapi';
import { registerBodyParsers } from './body-parsers';
import { applyConnectionLimits, httpServerOptions } from './http-limits';
import { registerSecurityHeaders, securityHeaderOptions, securityHeadersWithoutHooks } from './security-headers';
import { createValidationPipe } from './validation';
import { registerWebApp, webIndexHtml } from './web-static';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the whole application (used by main.ts and by the test suites). */
export async function createApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const headers = securityHeaderOptions(webIndexHtml(config.webDir));
  const routerErrorHeaders = securityHeadersWithoutHooks(headers);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    trustProxy: config.trustProxy,
    forceCloseConnections: 'idle',
    ...httpServerOptions(config.http),
    // Errors raised by Fastify's router before Nest sees the request (a malformed URL such as
    // `/api/%`) still answer in the API's error shape.
    frameworkErrors: (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
      // The path parameter the bad segment belongs to: a user name on /api/users/…, else a metric.
      const field = (req.url ?? '').startsWith('/api/users/') ? 'username' : 'metric';
      routerErrorHeaders(req, reply);
      void reply
        .header('x-request-id', req.id)
        .code(status)
        .type('application/json; charset=utf-8')
        .send({ code: status, message: `${field}: the path is not valid URL encoding (${error.code ?? 'bad URL'})` });
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify);
  applyConnectionLimits(fastify, config.http);

  await registerSecurityHeaders(fastify, headers);
  if (config.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      allowedHeaders: ['authorization', 'content-type', 'accept', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'content-disposition'],
      maxAge: 600,
    });
  }

  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  // During shutdown, answers to in-flight requests close their keep-alive connection so the
  // server can finish closing as soon as they are sent.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    logger.info({ reqId: req.id, method: req.method, url: pathForLog(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request completed');
    done();
  });

  registerPrometheusMetrics(fastify, app.get(QueryMetrics), { host: config.host, port: config.metricsPort }, app.get(LedgerWorker));
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  // The MCP tools' schemas are their endpoints' own.
  app.get(McpService).useOpenApi(setupOpenApi(app));
  await registerWebApp(app, config.webDir, logger);
  return app;
}
