import { ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';

import { grantsAllNamespaces, type UserRole } from '@kube-monitoring/contract';

import { AccessScope } from '../access/access-scope';
import { SCOPE_PROPERTY } from '../access/request-scope.decorator';
import { AuthUser, JWT_STRATEGY, REQUIRED_ROLE_KEY } from './auth-user';

/**
 * Bearer-token guard for people (dashboard, /api/ui, /api/users). Apply it through `@UserAuth()`,
 * which also documents the security scheme. Service headers (X-USERNAME/X-PASSWORD) are ignored here.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await (super.canActivate(context) as Promise<boolean>);
    const request = context.switchToHttp().getRequest<Record<string, unknown> & { user: AuthUser }>();
    const user = request.user;
    const required = this.reflector.getAllAndOverride<UserRole | undefined>(REQUIRED_ROLE_KEY, [context.getHandler(), context.getClass()]);
    if (required === 'admin' && user.role !== 'admin') {
      throw new ForbiddenException(`This operation needs the admin role; "${user.username}" is a ${user.role}`);
    }
    // The shared read handlers take the caller's namespaces from here (`@RequestScope()`).
    const scope: AccessScope = { kind: 'user', username: user.username, namespaces: grantsAllNamespaces(user.namespaces) ? 'all' : [...user.namespaces] };
    request[SCOPE_PROPERTY] = scope;
    return true;
  }

  /** Turns passport's failure reasons into messages a person can act on. */
  override handleRequest<TUser = AuthUser>(err: unknown, user: TUser | false, info: unknown): TUser {
    if (err) throw err;
    if (!user) throw new UnauthorizedException(describeTokenFailure(info));
    return user;
  }
}

export function describeTokenFailure(info: unknown): string {
  const e = info instanceof Error ? info : undefined;
  if (!e || /no auth token/i.test(e.message)) {
    return 'Missing credentials: send "Authorization: Bearer <token>" with a token from POST /api/auth/login';
  }
  if (e.name === 'TokenExpiredError') return 'Token expired: log in again';
  if (e.name === 'NotBeforeError') return 'Token not yet valid';
  return `Invalid token: ${e.message}`;
}
