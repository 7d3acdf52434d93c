import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';

import { ApiErrorDto } from '../common/api-error.dto';
import { API_KEY_SCHEME, JWT_SCHEME, SERVICE_PASSWORD_SCHEME, SERVICE_USERNAME_SCHEME } from '../common/security-schemes';
import { NO_API_KEYS } from './api-key-verifier';
import { REQUIRED_ROLE_KEY } from './auth-user';
import { ServiceOrAdminGuard } from './service-or-admin.guard';

/**
 * The service credentials headers, a `billing-admin` API key (unless `apiKeys: false`), or an
 * administrator's bearer token: guard and OpenAPI security (any scheme) together.
 */
export function ServiceOrAdminAuth(options: { apiKeys?: boolean } = {}): ClassDecorator & MethodDecorator {
  const keys = options.apiKeys ?? true;
  return applyDecorators(
    UseGuards(ServiceOrAdminGuard),
    SetMetadata(REQUIRED_ROLE_KEY, 'admin'),
    ...(keys ? [ApiSecurity(API_KEY_SCHEME)] : [SetMetadata(NO_API_KEYS, true)]),
    ApiSecurity({ [SERVICE_USERNAME_SCHEME]: [], [SERVICE_PASSWORD_SCHEME]: [] }),
    ApiBearerAuth(JWT_SCHEME),
    ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'Neither valid service credentials nor a valid bearer token.' }),
    ApiForbiddenResponse({ type: ApiErrorDto, description: 'A bearer token of a user without the admin role.' }),
  );
}
