import { applyDecorators } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiGatewayTimeoutResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';

import { ApiErrorDto } from './api-error.dto';

/**
 * The answers of an endpoint that reads InfluxDB when InfluxDB fails: 502 when it answered an
 * error, 503 when it cannot be reached, 504 when it did not answer within the timeout.
 */
export function ApiMetricsStoreErrors(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBadGatewayResponse({ description: 'InfluxDB answered an error', type: ApiErrorDto }),
    ApiServiceUnavailableResponse({ description: "InfluxDB unreachable (`Can't connect to influxdb`)", type: ApiErrorDto }),
    ApiGatewayTimeoutResponse({ description: 'InfluxDB did not answer within the timeout', type: ApiErrorDto }),
  );
}
