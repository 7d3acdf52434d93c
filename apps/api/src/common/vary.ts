import { FastifyReply } from 'fastify';

/**
 * Adds `field` to the reply's `Vary` header, keeping what is there: CORS sets `Vary: Origin` before
 * the handler runs, and a cache that lost it would serve one origin's answer to another.
 */
export function appendVary(reply: Pick<FastifyReply, 'getHeader' | 'header'>, field: string): void {
  const current = reply.getHeader('vary');
  const fields = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (fields.includes('*') || fields.some((f) => f.toLowerCase() === field.toLowerCase())) return;
  reply.header('vary', [...fields, field].join(', '));
}
