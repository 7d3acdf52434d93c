import { BadRequestException, createParamDecorator, ExecutionContext } from '@nestjs/common';

/**
 * The metric name the router matched for the wildcard of a metric route (`POST /api/*`, under
 * `/api/ui` too, and `/api/series/*`): it may contain `/` (`cpu/usage_rate`), encoded or not;
 * trailing slashes are dropped. Fastify names the wildcard `*`; Express (the benchmark's baseline
 * adapter) `path`, as a list of segments.
 */
export const MetricParam = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const params = ctx.switchToHttp().getRequest<{ params?: Record<string, unknown> }>().params ?? {};
  const matched = params['*'] ?? params['path'];
  const name = (Array.isArray(matched) ? matched.join('/') : String(matched ?? '')).replace(/\/+$/, '');
  if (!name) throw new BadRequestException('metric: missing metric name in the path, e.g. /api/cpu/usage_rate');
  return name;
});
