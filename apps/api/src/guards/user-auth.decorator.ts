import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiServiceUnavailableResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

import { ApiErrorDto } from '../common/api-error.dto';
import { JWT_SCHEME } from '../common/security-schemes';
import { REQUIRED_ROLE_KEY } from './auth-user';
import { JwtAuthGuard } from './jwt-auth.guard';

export interface UserAuthOptions {
  /** Only users with this role may call the operation (others get 403). */
  role?: 'admin';
}

/**
 * "This operation is for logged-in people": the JWT guard and its OpenAPI security requirement in one
 * decorator, so the documentation cannot drift from what is enforced. On a class or a method.
 */
export function UserAuth(options: UserAuthOptions = {}): ClassDecorator & MethodDecorator {
  const decorators = [
    UseGuards(JwtAuthGuard),
    ApiBearerAuth(JWT_SCHEME),
    ApiUnauthorizedResponse({
      type: ApiErrorDto,
      description: 'Missing, invalid, expired or revoked bearer token (logout, password, role or namespace change), or the user no longer exists.',
    }),
    ApiServiceUnavailableResponse({ type: ApiErrorDto, description: '`User database unavailable`.' }),
  ];
  if (options.role) {
    decorators.push(SetMetadata(REQUIRED_ROLE_KEY, options.role), ApiForbiddenResponse({ type: ApiErrorDto, description: `Needs the ${options.role} role.` }));
  }
  return applyDecorators(...decorators);
}
