import { HttpErrorResponse } from '@angular/common/http';

import { describeApiError, toApiError } from './api-error';

function httpError(status: number, error: unknown): HttpErrorResponse {
  return new HttpErrorResponse({ status, error, statusText: 'Status' });
}

describe('toApiError', () => {
  it('should read the API message from JSON and text bodies', () => {
    expect(toApiError(httpError(404, { code: 404, message: 'Unknown metric gpu/usage_rate' }))).toEqual({
      status: 404,
      message: 'Unknown metric gpu/usage_rate',
    });
    expect(toApiError(httpError(400, '{"code":400,"message":"from: not a date"}'))).toEqual({
      status: 400,
      message: 'from: not a date',
    });
  });

  it('should find the HTTP error inside a wrapping error', () => {
    const wrapped = new Error('resource failed', { cause: httpError(503, { code: 503, message: "Can't connect to influxdb" }) });
    expect(toApiError(wrapped)).toEqual({ status: 503, message: "Can't connect to influxdb" });
  });

  it('should report an unreachable server', () => {
    expect(toApiError(httpError(0, new ProgressEvent('error'))).status).toBe(0);
  });
});

describe('describeApiError', () => {
  it('should explain an InfluxDB outage', () => {
    expect(describeApiError({ status: 503, message: "Can't connect to influxdb" })).toMatch(/metrics database is unavailable/);
  });

  it('should pass API messages through', () => {
    expect(describeApiError({ status: 404, message: 'Unknown metric x' })).toBe('Unknown metric x');
    expect(describeApiError({ status: 403, message: 'Namespace a is not allowed' })).toBe('Access denied: Namespace a is not allowed');
    expect(describeApiError({ status: 0, message: '' })).toMatch(/Cannot reach the API/);
  });
});
