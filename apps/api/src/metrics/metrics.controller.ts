import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';

import { MetricQueryResponse } from '@kube-monitoring/contract';

import { AccessScope } from '../access/access-scope';
import { RequestScope } from '../access/request-scope.decorator';
import { UserAuth } from '../auth/user-auth.decorator';
import { ServiceAuth } from '../decorators/service-auth.decorator';
import { HEAVY_REQUEST_LIMIT_DOC } from '../limits/heavy-request-limiter';
import { ApiErrorDto, EmptySetDto } from '../openapi/api-error.dto';
import { MetricParam } from './metric-param.decorator';
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
  @ApiForbiddenResponse({ description: 'Namespace outside the caller\'s scope (/api/ui only)', type: ApiErrorDto })
  @ApiNotFoundResponse({ description: 'Unknown metric', type: ApiErrorDto })
  @ApiResponse({ status: 405, description: 'Any method but POST (`Allow: POST`)', type: ApiErrorDto })
  @ApiBadGatewayResponse({ description: 'InfluxDB answered an error', type: ApiErrorDto })
  @ApiServiceUnavailableResponse({ description: "InfluxDB unreachable (`Can't connect to influxdb`)", type: ApiErrorDto })
  @ApiTooManyRequestsResponse({ description: HEAVY_REQUEST_LIMIT_DOC, type: ApiErrorDto })
  @ApiGatewayTimeoutResponse({ description: 'InfluxDB did not answer within the timeout', type: ApiErrorDto })
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
