import { createParamDecorator, ExecutionContext } from '@nestjs/common';

import { AccessScope, SERVICE_SCOPE } from './access-scope';

/** Request property where the JWT strategy leaves the caller's scope. */
export const SCOPE_PROPERTY = 'accessScope';

/**
 * The caller's namespace scope. Service-authenticated requests have none set and see everything;
 * the JWT guard sets it from the user's account.
 */
export const RequestScope = createParamDecorator((_: unknown, ctx: ExecutionContext): AccessScope => {
  const req = ctx.switchToHttp().getRequest<Record<string, unknown>>();
  return (req[SCOPE_PROPERTY] as AccessScope | undefined) ?? SERVICE_SCOPE;
});
