import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';

import { ApiErrorDto } from '../common/api-error.dto';
import { API_KEY_SCHEME, JWT_SCHEME, SERVICE_PASSWORD_SCHEME, SERVICE_USERNAME_SCHEME } from '../common/security-schemes';
import { ServiceOrAdminGuard } from './service-or-admin.guard';

/**
 * The service credentials headers, or any person's bearer token (no role required: what they may
 * read is their scope's): guard and OpenAPI security (either scheme) together.
 */
export function ServiceOrUserAuth(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(ServiceOrAdminGuard),
    ApiSecurity({ [SERVICE_USERNAME_SCHEME]: [], [SERVICE_PASSWORD_SCHEME]: [] }),
    ApiSecurity(API_KEY_SCHEME),
    ApiBearerAuth(JWT_SCHEME),
    ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'Neither valid service credentials nor a valid bearer token.' }),
  );
}
