import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';

import { MetricQueryResponse } from '@kube-monitoring/contract';

import { AccessScope } from '../access/access-scope';
import { RequestScope } from '../access/request-scope.decorator';
import { ApiErrorDto, EmptySetDto } from '../common/api-error.dto';
import { ApiMetricsStoreErrors } from '../common/api-responses.decorators';
import { MetricParam } from '../common/metric-param.decorator';
import { ServiceAuth } from '../guards/service-auth.decorator';
import { UserAuth } from '../guards/user-auth.decorator';
import { ApiHeavyRequestLimit } from '../limits/heavy-request.docs';
import { AggregationRowDto, MetricQueryDto, RawPointDto } from './metric-query.dto';
import { MetricQueryService } from './metric-query.service';

/**
 * The seed's `POST /api/{metric}`. Handlers are written once here and mounted twice: for the
 * billing client (service headers) and under `/api/ui` for people (JWT).
 */
@ApiTags('metrics')
@ApiExtraModels(RawPointDto, AggregationRowDto, EmptySetDto)
export abstract class MetricQueryEndpoints {
  constructor(private readonly metricQuery: MetricQueryService) {}

  /**
   * Raw points (newest first) or an aggregation of a metric over a period.
   * The body may be sent without `Content-Type` (the original curl example does).
   */
  @Post('*')
  @HttpCode(200)
  @ApiOperation({ summary: 'Query a metric: raw points or an aggregation (the original API)' })
  @ApiParam({ name: 'metric', type: String, description: 'Metric name, may contain `/` (URL-encoded or not), e.g. `cpu/usage_rate`', example: 'cpu/usage_rate' })
  @ApiOkResponse({
    description: 'Raw points, aggregation rows, or `{"code":200,"message":"Query returns empty set"}`',
    schema: {
      oneOf: [
        { type: 'array', items: { $ref: getSchemaPath(RawPointDto) } },
        { type: 'array', items: { $ref: getSchemaPath(AggregationRowDto) } },
        { $ref: getSchemaPath(EmptySetDto) },
      ],
    },
  })
  @ApiBadRequestResponse({ description: 'Invalid body (the message names the field), a time outside 1970-01-01 … 2262-01-01, or an aggregation over 366 days', type: ApiErrorDto })
  @ApiForbiddenResponse({ description: "Namespace outside the caller's scope (/api/ui only)", type: ApiErrorDto })
  @ApiNotFoundResponse({ description: 'Unknown metric', type: ApiErrorDto })
  @ApiResponse({ status: 405, description: 'Any method but POST (`Allow: POST`)', type: ApiErrorDto })
  @ApiHeavyRequestLimit()
  @ApiMetricsStoreErrors()
  queryMetric(@MetricParam() metric: string, @Body() body: MetricQueryDto, @RequestScope() scope: AccessScope): Promise<MetricQueryResponse> {
    return this.metricQuery.run(metric, body, scope);
  }
}

@Controller()
@ServiceAuth()
export class MetricsController extends MetricQueryEndpoints {}

/** The same handlers for people: JWT, limited to the namespaces of their account. */
@Controller('ui')
@UserAuth()
export class UiMetricsController extends MetricQueryEndpoints {}
