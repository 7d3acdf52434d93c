import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiServiceUnavailableResponse,
  ApiUnauthorizedResponse,
  DocumentBuilder,
} from '@nestjs/swagger';

import { REQUIRED_ROLE_KEY } from './auth-user';
import { JwtAuthGuard } from './jwt-auth.guard';

/** Name of the OpenAPI security scheme for people (JWT bearer). */
export const JWT_SECURITY_SCHEME = 'jwt';

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
    ApiBearerAuth(JWT_SECURITY_SCHEME),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired bearer token, or the user no longer exists.' }),
    ApiServiceUnavailableResponse({ description: 'User database unavailable.' }),
  ];
  if (options.role) {
    decorators.push(SetMetadata(REQUIRED_ROLE_KEY, options.role), ApiForbiddenResponse({ description: `Needs the ${options.role} role.` }));
  }
  return applyDecorators(...decorators);
}

/** Declares the JWT bearer scheme in the OpenAPI document (call on the DocumentBuilder in main.ts). */
export function addJwtSecurityScheme(builder: DocumentBuilder): DocumentBuilder {
  return builder.addBearerAuth(
    {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'For people: the `accessToken` of `POST /api/auth/login`, sent as `Authorization: Bearer <token>`. ' +
        'Accepted by /api/auth/me, /api/users and /api/ui/…; never by the service API.',
    },
    JWT_SECURITY_SCHEME,
  );
}
