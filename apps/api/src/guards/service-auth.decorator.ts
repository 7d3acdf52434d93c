import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';

import { ApiErrorDto } from '../common/api-error.dto';
import { API_KEY_SCHEME, SERVICE_PASSWORD_SCHEME, SERVICE_USERNAME_SCHEME } from '../common/security-schemes';
import { ApiCredentialsGuard } from './api-credentials.guard';

/** The endpoint needs the service credentials headers; sets the guard and the OpenAPI security together. */
export function ServiceAuth(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(ApiCredentialsGuard),
    ApiSecurity({ [SERVICE_USERNAME_SCHEME]: [], [SERVICE_PASSWORD_SCHEME]: [] }),
    ApiSecurity(API_KEY_SCHEME),
    ApiUnauthorizedResponse({
      description: 'Missing headers (`You are not authorized`) or wrong credentials (`Username and password is not recognized`).',
      type: ApiErrorDto,
    }),
  );
}
