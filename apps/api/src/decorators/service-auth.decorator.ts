import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';

import { ApiCredentialsGuard } from '../guards/api-credentials.guard';
import { ApiErrorDto } from '../openapi/api-error.dto';

/** OpenAPI names of the two header security schemes (both must be sent). */
export const SERVICE_USERNAME_SCHEME = 'serviceUsername';
export const SERVICE_PASSWORD_SCHEME = 'servicePassword';

/** The endpoint needs the service credentials headers; sets the guard and the OpenAPI security together. */
export function ServiceAuth(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(ApiCredentialsGuard),
    ApiSecurity({ [SERVICE_USERNAME_SCHEME]: [], [SERVICE_PASSWORD_SCHEME]: [] }),
    ApiUnauthorizedResponse({
      description: 'Missing headers (`You are not authorized`) or wrong credentials (`Username and password is not recognized`).',
      type: ApiErrorDto,
    }),
  );
}
