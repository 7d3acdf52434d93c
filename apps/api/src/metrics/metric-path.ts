import { BadRequestException } from '@nestjs/common';
import { FastifyRequest } from 'fastify';

/**
 * The metric name is the rest of the path after the mount (`/api/` or `/api/ui/`), and may
 * contain `/` (`cpu/usage_rate`). Read from the URL so both mounts share one handler.
 */
export function metricFromPath(req: FastifyRequest, mount: string): string {
  const path = (req.url.split('?')[0] ?? '').replace(/\/+$/, '');
  const prefix = `/api/${mount ? `${mount}/` : ''}`;
  const raw = path.startsWith(prefix) ? path.slice(prefix.length) : path;
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw new BadRequestException('metric: the path is not valid URL encoding');
  }
  if (!name) throw new BadRequestException('metric: missing metric name in the path, e.g. /api/cpu/usage_rate');
  return name;
}
