import { createParamDecorator, ExecutionContext, InternalServerErrorException } from '@nestjs/common';

import type { AuthUser } from '../guards/auth-user';

/** The authenticated person of a `@UserAuth()` route. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
  // Only reachable when a route forgot @UserAuth(): fail closed rather than run unscoped.
  if (!user) throw new InternalServerErrorException('CurrentUser used on a route without @UserAuth()');
  return user;
});
