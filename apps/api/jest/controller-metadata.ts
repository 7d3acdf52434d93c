/**
 * What Nest does with a controller before its handler runs, read from the same metadata Nest and
 * the guards read: the route, the guards and role, the bound arguments, and the global validation
 * pipe on the `@Body()`. For the controller specs, so that they test the decorators without
 * starting an app.
 */
import { BadRequestException, ExecutionContext, RequestMethod, Type } from '@nestjs/common';
import { GUARDS_METADATA, HTTP_CODE_METADATA, METHOD_METADATA, PARAMTYPES_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';

import { createValidationPipe } from '../src/bootstrap/validation';
import { REQUIRED_ROLE_KEY } from '../src/guards/auth-user';

export type Handler = (...args: unknown[]) => unknown;

/** What Nest reads to route and guard a handler: full path, method, status, guards (class then method), required role. */
export function routeOf(cls: Type, name: string) {
  const handler = (cls.prototype as Record<string, Handler>)[name];
  const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
  const segments = [Reflect.getMetadata(PATH_METADATA, cls) as string, Reflect.getMetadata(PATH_METADATA, handler) as string];
  return {
    // The global prefix the app sets (bootstrap/create-app.ts).
    path: `/api/${segments
      .map((s) => s.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/')}`,
    method: RequestMethod[method],
    status: (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === RequestMethod.POST ? 201 : 200),
    guards: [...((Reflect.getMetadata(GUARDS_METADATA, cls) as unknown[]) ?? []), ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? [])],
    role: new Reflector().getAllAndOverride<string | undefined>(REQUIRED_ROLE_KEY, [handler, cls]),
  };
}

type ArgMeta = Record<string, { index: number; data?: unknown; factory?: (data: unknown, ctx: ExecutionContext) => unknown }>;

/**
 * The handler's arguments as Nest binds them: param decorators run on `request`, `@Body()` gets
 * `body`, `@Param(name)` the path parameter from `request.params`, `@Req()` and `@Res()` the
 * request and `reply`.
 */
export function argumentsFor(cls: Type, name: string, request: object, body: unknown, reply?: object): unknown[] {
  const meta = (Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, name) as ArgMeta | undefined) ?? {};
  const ctx = { switchToHttp: () => ({ getRequest: () => request }) } as ExecutionContext;
  const bound: Partial<Record<RouteParamtypes, unknown>> = { [RouteParamtypes.BODY]: body, [RouteParamtypes.REQUEST]: request, [RouteParamtypes.RESPONSE]: reply };
  const args: unknown[] = [];
  for (const [key, p] of Object.entries(meta)) {
    const type = Number(key.split(':')[0]) as RouteParamtypes;
    if (p.factory) args[p.index] = p.factory(p.data, ctx);
    else if (type === RouteParamtypes.PARAM && typeof p.data === 'string') args[p.index] = (request as { params?: Record<string, unknown> }).params?.[p.data];
    else if (type in bound) args[p.index] = bound[type];
    else throw new Error(`unexpected parameter ${key}`);
  }
  return args;
}

/** The class of the handler's `@Body()`: what the global pipe validates against. */
export function bodyTypeOf(cls: Type, name: string): unknown {
  const meta = Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, name) as ArgMeta;
  const body = Object.entries(meta).find(([key]) => Number(key.split(':')[0]) === RouteParamtypes.BODY)?.[1];
  return body && (Reflect.getMetadata(PARAMTYPES_METADATA, cls.prototype, name) as unknown[])[body.index];
}

/** The app's own global pipe applied to a `@Body()` of class `metatype`: the DTO it hands the handler, or its 400. */
export function bodyValidator<T>(metatype: Type<T>): (body: unknown) => Promise<T> {
  const pipe = createValidationPipe();
  return (body) => pipe.transform(body, { type: 'body', metatype, data: undefined }) as Promise<T>;
}

/** The 400 message the app sends for `run`, or a failure when it does not refuse with a 400. */
export async function refusal(run: () => Promise<unknown>): Promise<string> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof BadRequestException)) throw new Error(`expected a 400, got ${String(error)}`);
  return String((error.getResponse() as { message: unknown }).message);
}
