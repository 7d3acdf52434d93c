import { ArgumentsHost, RequestMethod, Type } from '@nestjs/common';
import { GUARDS_METADATA, HTTP_CODE_METADATA, METHOD_METADATA, MODULE_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { Logger } from 'pino';

import { ApiExceptionFilter } from '../filters/api-exception.filter';
import { REQUIRED_ROLE_KEY } from '../guards/auth-user';
import { MethodNotAllowedController } from './method-not-allowed.controller';
import { MethodNotAllowedError } from './method-not-allowed';
import { MetricsController } from './metrics.controller';
import { MetricsModule } from './metrics.module';

type Handler = (...args: unknown[]) => unknown;

/** What Nest reads to route and guard a handler: full path, method, status, guards (class then method), required role. */
function routeOf(cls: Type, name: string) {
  const handler = (cls.prototype as Record<string, Handler>)[name];
  const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
  const segments = [Reflect.getMetadata(PATH_METADATA, cls) as string, Reflect.getMetadata(PATH_METADATA, handler) as string];
  return {
    path: `/api/${segments.map((s) => s.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`,
    method: RequestMethod[method],
    status: (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === RequestMethod.POST ? 201 : 200),
    guards: [...((Reflect.getMetadata(GUARDS_METADATA, cls) as unknown[]) ?? []), ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? [])],
    role: new Reflector().getAllAndOverride<string | undefined>(REQUIRED_ROLE_KEY, [handler, cls]),
  };
}

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
