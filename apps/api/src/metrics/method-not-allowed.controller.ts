import { Controller, Delete, Get, Patch, Put } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrorDto } from '../common/api-error.dto';
import { MethodNotAllowedError } from './method-not-allowed';

/**
 * Any method but POST on a metric path answers 405 `Allow: POST`, before authentication, as the
 * original did. Real GET/PATCH/DELETE routes (`/api/metrics`, `/api/users/…`) are more specific
 * and take precedence over these wildcards.
 */
@ApiTags('metrics')
@Controller()
export class MethodNotAllowedController {
  @Get('*')
  @ApiOperation({ summary: 'Not allowed on a metric path: use POST', operationId: 'getMetricNotAllowed' })
  @ApiResponse({ status: 405, description: 'Use POST (`Allow: POST`)', type: ApiErrorDto })
  get(): never {
    throw new MethodNotAllowedError();
  }

  @Put('*')
  @ApiExcludeEndpoint()
  put(): never {
    throw new MethodNotAllowedError();
  }

  @Patch('*')
  @ApiExcludeEndpoint()
  patch(): never {
    throw new MethodNotAllowedError();
  }

  @Delete('*')
  @ApiExcludeEndpoint()
  delete(): never {
    throw new MethodNotAllowedError();
  }
}
