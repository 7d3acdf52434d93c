import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';

import { SeriesResponse } from '@kube-monitoring/contract';

import { AccessScope } from '../access/access-scope';
import { RequestScope } from '../access/request-scope.decorator';
import { ApiErrorDto } from '../common/api-error.dto';
import { ApiMetricsStoreErrors } from '../common/api-responses.decorators';
import { MetricParam } from '../common/metric-param.decorator';
import { ServiceAuth } from '../guards/service-auth.decorator';
import { UserAuth } from '../guards/user-auth.decorator';
import { ApiHeavyRequestLimit } from '../limits/heavy-request.docs';
import { SeriesRequestDto, SeriesResponseDto } from './series.dto';
import { SeriesService } from './series.service';

/**
 * `POST /api/series/{metric}`, written once and mounted twice: for the billing client (service
 * headers) and under `/api/ui` for people (JWT, limited to their namespaces).
 */
@ApiTags('series')
export abstract class SeriesEndpoints {
  constructor(private readonly seriesService: SeriesService) {}

  @Post('series/*')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Time series of a metric for charts, grouped by namespace, pod, container or node',
    description:
      'Downsampled inside InfluxDB to a step giving at most ~500 points per line (or the requested `step`). ' +
      "Gauges: each point is the line's time average over its step; counters: the last value. Values in the metric's unit (GET /api/metrics).",
  })
  @ApiParam({ name: 'metric', description: 'Metric name after `/api/series/`, may contain `/`', example: 'cpu/usage_rate' })
  @ApiBody({
    type: SeriesRequestDto,
    examples: {
      day: { summary: 'One day per namespace', value: { from: '2017-12-01', to: '2017-12-02' } },
      pods: {
        summary: 'Pods of a namespace, 5-minute steps',
        value: { from: '2017-12-01T08:00:00Z', to: '2017-12-01T20:00:00Z', groupBy: 'pod', namespace: 'lab-vision', step: 300 },
      },
    },
  })
  @ApiOkResponse({ type: SeriesResponseDto })
  @ApiBadRequestResponse({
    description: 'Invalid body (the message names the field), a time outside 1970-01-01 … 2262-01-01, a period over 366 days, or a step giving more than 10000 points',
    type: ApiErrorDto,
  })
  @ApiForbiddenResponse({ description: "Namespace outside the caller's scope (/api/ui only)", type: ApiErrorDto })
  @ApiNotFoundResponse({ description: 'Unknown metric', type: ApiErrorDto })
  @ApiResponse({ status: 405, description: 'Any method but POST (`Allow: POST`)', type: ApiErrorDto })
  @ApiHeavyRequestLimit()
  @ApiMetricsStoreErrors()
  metricSeries(@MetricParam() metric: string, @Body() body: SeriesRequestDto, @RequestScope() scope: AccessScope): Promise<SeriesResponse> {
    return this.seriesService.series(metric, body, scope);
  }
}

@Controller()
@ServiceAuth()
export class SeriesController extends SeriesEndpoints {}

/** The same handlers for people: JWT, limited to the namespaces of their account. */
@Controller('ui')
@UserAuth()
export class UiSeriesController extends SeriesEndpoints {}
