import type { FastifyRequest } from 'fastify';

import type { AccessScope } from '../access/access-scope';
import { SCOPE_PROPERTY } from '../access/request-scope.decorator';

/** Who made an authenticated request, and from where, as the audit trail names them. */
export interface AuditCaller {
  actor: string;
  client: string | null;
}

/** The actor an access scope stands for: `user:<name>`, `api-key:<id>`, or `service` (the service credentials). */
export function actorOf(scope: AccessScope | undefined): string {
  if (scope?.kind === 'user') return `user:${scope.username}`;
  if (scope?.kind === 'key') return `api-key:${scope.id}`;
  return 'service';
}

/**
 * The caller of a request that passed a guard: the guards leave a person's or a key's scope on the
 * request (`SCOPE_PROPERTY`), the service credentials leave none. The client is Fastify's `ip`,
 * which follows `X-Forwarded-For` only through the proxies `TRUST_PROXY` names.
 * Only for requests behind a guard: an unauthenticated request would pass for the service.
 */
export function auditCaller(request: FastifyRequest): AuditCaller {
  const scope = (request as unknown as Record<string, unknown>)[SCOPE_PROPERTY] as AccessScope | undefined;
  return { actor: actorOf(scope), client: clientOf(request) };
}

export function clientOf(request: FastifyRequest): string | null {
  return typeof request.ip === 'string' && request.ip !== '' ? request.ip : null;
}

/** The request's path without its query string (which may carry a token: `?access_token=…`). */
export function pathOf(request: FastifyRequest): string {
  return (request.url ?? '').split('?', 1)[0] ?? '';
}
