import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'pino';

import { InfluxQueryError, InfluxTimeoutError, InfluxUnreachableError } from '@kube-monitoring/influx';

import { pathForLog, withoutQueryStrings } from '../logging/log-url';
import { ROOT_LOGGER } from '../logging/logging.module';

/**
 * Every error leaves as `{"code": <status>, "message": "..."}`, never a stack trace.
 * InfluxDB failures map to 503 (unreachable), 504 (too slow) and 502 (it answered an error).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const { status, message, headers } = this.describe(exception);
    const log = { reqId: request.id, method: request.method, url: pathForLog(request.url), status };
    if (status >= 500) this.logger.error({ ...log, err: exception }, withoutQueryStrings(message));
    else this.logger.info(log, withoutQueryStrings(message));
    for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    reply.status(status).type('application/json; charset=utf-8').send({ code: status, message });
  }

  private describe(e: unknown): { status: number; message: string; headers: Record<string, string> } {
    if (e instanceof InfluxUnreachableError) return { status: 503, message: "Can't connect to influxdb", headers: { 'retry-after': '5' } };
    if (e instanceof InfluxTimeoutError) return { status: 504, message: 'InfluxDB did not answer in time', headers: {} };
    if (e instanceof InfluxQueryError) return { status: 502, message: `InfluxDB error: ${e.message}`, headers: {} };
    if (e instanceof HttpException) {
      const status = e.getStatus();
      const body = e.getResponse();
      const headers = (e as HttpException & { headers?: Record<string, string> }).headers ?? {};
      return { status, message: messageOf(body, e.message), headers };
    }
    const fastifyError = e as { statusCode?: number; code?: string; message?: string } | null;
    if (fastifyError && typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
      return { status: fastifyError.statusCode, message: fastifyMessage(fastifyError), headers: {} };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error', headers: {} };
  }
}

function messageOf(body: unknown, fallback: string): string {
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object') {
    const m = (body as { message?: unknown }).message;
    if (Array.isArray(m)) return m.join('; ');
    if (typeof m === 'string') return m;
  }
  return fallback;
}

function fastifyMessage(e: { code?: string; message?: string }): string {
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body: request body is too large';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'body: a JSON body was announced but is empty';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'body: unsupported content type';
    default:
      return e.message && !/\n\s+at /.test(e.message) ? e.message : 'Bad request';
  }
}
