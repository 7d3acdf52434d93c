import { applyDecorators } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';

import { ApiErrorDto } from '../common/api-error.dto';

/** The 429 of a heavy endpoint (one that counts against `HeavyRequestLimiter`). */
export function ApiHeavyRequestLimit(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiTooManyRequestsResponse({
      description:
        'The caller already runs HEAVY_REQUESTS_PER_CALLER heavy requests (aggregations, usage reports, charts) at once, or started HEAVY_REQUESTS_PER_MINUTE in the last minute; `Retry-After` says when to try again. Answers over settled periods served from memory do not count.',
      type: ApiErrorDto,
    }),
  );
}
