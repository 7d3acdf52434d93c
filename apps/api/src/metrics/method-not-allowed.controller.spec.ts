import { ArgumentsHost, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { Logger } from 'pino';

import { Handler, routeOf } from '../../jest/controller-metadata';
import { ApiExceptionFilter } from '../filters/api-exception.filter';
import { MethodNotAllowedError } from './method-not-allowed';
import { MethodNotAllowedController } from './method-not-allowed.controller';
import { MetricsController } from './metrics.controller';
import { MetricsModule } from './metrics.module';

const HANDLERS = [
  ['get', 'GET'],
  ['put', 'PUT'],
  ['patch', 'PATCH'],
  ['delete', 'DELETE'],
] as const;

describe(MethodNotAllowedController.name, () => {
  it.each(HANDLERS)('should mount %s at %s /api/* with no guard: the 405 comes before authentication', (handler, method) => {
    expect(routeOf(MethodNotAllowedController, handler)).toEqual({ path: '/api/*', method, status: 200, guards: [], role: undefined });
    expect(Reflect.getMetadata(ROUTE_ARGS_METADATA, MethodNotAllowedController, handler)).toBeUndefined();
  });

  it('should leave POST to the metric query, on the same path', () => {
    const methods = Object.getOwnPropertyNames(MethodNotAllowedController.prototype)
      .map((name) => Reflect.getMetadata(METHOD_METADATA, (MethodNotAllowedController.prototype as unknown as Record<string, Handler>)[name]) as RequestMethod | undefined)
      .filter((m) => m !== undefined);
    expect(methods).not.toContain(RequestMethod.POST);
    expect(routeOf(MetricsController, 'queryMetric')).toMatchObject({ path: '/api/*', method: 'POST' });
    expect(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, MetricsModule)).toContain(MethodNotAllowedController);
  });

  it.each(HANDLERS)('should answer %s with 405 and Allow: POST', (handler) => {
    const run = new MethodNotAllowedController()[handler] as Handler;
    expect(run).toThrow(MethodNotAllowedError);
    expect(run).toThrow(expect.objectContaining({ status: 405, headers: { allow: 'POST' } }));
  });

  it("should leave the app's error filter as 405 {code, message} with the Allow header", () => {
    const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
    const reply = {
      header: (k: string, v: string) => ((sent.headers[k] = v), reply),
      status: (s: number) => ((sent.status = s), reply),
      type: () => reply,
      send: (b: unknown) => ((sent.body = b), reply),
    };
    const host = { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ id: 'r1', method: 'GET', url: '/api/cpu/usage_rate' }) }) } as unknown as ArgumentsHost;
    const logger = { info: () => undefined, error: () => undefined } as unknown as Logger;
    new ApiExceptionFilter(logger).catch(new MethodNotAllowedError(), host);
    expect(sent).toEqual({ status: 405, headers: { allow: 'POST' }, body: { code: 405, message: 'Method not allowed: use POST' } });
  });
});
