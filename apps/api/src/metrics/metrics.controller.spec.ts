import { ForbiddenException } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';

import { METRIC_CATALOG, MetricQueryResponse } from '@kube-monitoring/contract';

import { argumentsFor, bodyTypeOf, bodyValidator, Handler, refusal, routeOf } from '../../jest/controller-metadata';
import { AccessScope, SERVICE_SCOPE } from '../access/access-scope';
import { SCOPE_PROPERTY } from '../access/request-scope.decorator';
import { AggregationService } from '../aggregation/aggregation.service';
import { ApiCredentialsGuard } from '../guards/api-credentials.guard';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { HeavyRequestLimiter } from '../limits/heavy-request-limiter';
import { MetricQueryDto } from './metric-query.dto';
import { MetricQueryService } from './metric-query.service';
import { MetricsController, UiMetricsController } from './metrics.controller';
import { MetricsModule } from './metrics.module';
import { RawQueryService } from './raw-query.service';

const validated = bodyValidator(MetricQueryDto);

describe(MetricsController.name, () => {
  describe('auth and routes', () => {
    it('should mount POST /api/* (200) for the billing client with the service credentials only', () => {
      expect(routeOf(MetricsController, 'queryMetric')).toEqual({ path: '/api/*', method: 'POST', status: 200, guards: [ApiCredentialsGuard], role: undefined });
    });

    it('should mount the same handler at POST /api/ui/* (200) for people with the JWT guard only, no role', () => {
      expect(routeOf(UiMetricsController, 'queryMetric')).toEqual({ path: '/api/ui/*', method: 'POST', status: 200, guards: [JwtAuthGuard], role: undefined });
      expect(UiMetricsController.prototype.queryMetric).toBe(MetricsController.prototype.queryMetric);
    });

    it('should register both mounts in the module', () => {
      expect(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, MetricsModule)).toEqual(expect.arrayContaining([MetricsController, UiMetricsController]));
    });
  });

  describe('validation of the body', () => {
    it('should validate the body as MetricQueryDto', () => {
      expect(bodyTypeOf(MetricsController, 'queryMetric')).toBe(MetricQueryDto);
      expect(bodyTypeOf(UiMetricsController, 'queryMetric')).toBe(MetricQueryDto);
    });

    it('should accept a complete body, parsing the instants and a numeric-string limit', async () => {
      await expect(
        validated({ namespace: 'lab-vision', limit: '50', agg: 'pod-by-namespace', timeBeginInterval: '2017-12-01', timeEndInterval: '2017-12-31T12:00:00+01:00' }),
      ).resolves.toEqual({
        namespace: 'lab-vision',
        limit: 50,
        agg: 'pod-by-namespace',
        timeBeginInterval: new Date('2017-12-01T00:00:00Z'),
        timeEndInterval: new Date('2017-12-31T11:00:00Z'),
      });
      await expect(validated({})).resolves.toEqual({});
      await expect(validated({ timeBeginInterval: '1970-01-01', timeEndInterval: '2262-01-01T00:00:00Z', limit: 10000 })).resolves.toMatchObject({ limit: 10000 });
    });

    it.each([
      [[{ namespace: 'default' }], 'body: must be a JSON object, got an array'],
      [{ tenant: 'lab' }, 'tenant: property tenant should not exist'],
      [{ namespace: 7 }, 'namespace: must be a string'],
      [{ namespace: '' }, 'namespace: must be a Kubernetes namespace name (lower-case letters, digits and "-")'],
      [{ namespace: 'Lab_Vision' }, 'namespace: must be a Kubernetes namespace name (lower-case letters, digits and "-")'],
      [{ namespace: 'a'.repeat(64) }, 'namespace: must be at most 63 characters'],
      [{ limit: 0 }, 'limit: must be an integer between 1 and 10000'],
      [{ limit: 10001 }, 'limit: must be an integer between 1 and 10000'],
      [{ limit: '1e3' }, 'limit: must be an integer between 1 and 10000'],
      [{ limit: 2.5 }, 'limit: must be an integer between 1 and 10000'],
      [{ agg: 3 }, 'agg: must be a string'],
      [{ agg: 'x'.repeat(65) }, 'agg: must be at most 64 characters'],
      [{ timeBeginInterval: 'yesterday' }, 'timeBeginInterval: must be an ISO-8601 date (2017-12-01) or date-time (2017-12-01T12:00:00Z)'],
      [{ timeEndInterval: 1512086400000 }, 'timeEndInterval: must be an ISO-8601 date (2017-12-01) or date-time (2017-12-01T12:00:00Z) string'],
      [
        { timeBeginInterval: '1969-12-31T23:59:59Z' },
        'timeBeginInterval: must be between 1970-01-01T00:00:00Z and 2262-01-01T00:00:00Z (what InfluxDB can store), got 1969-12-31T23:59:59.000Z',
      ],
      [
        { timeEndInterval: '2262-01-01T00:00:01Z' },
        'timeEndInterval: must be between 1970-01-01T00:00:00Z and 2262-01-01T00:00:00Z (what InfluxDB can store), got 2262-01-01T00:00:01.000Z',
      ],
    ])('should refuse %j naming the field', async (body, message) => {
      expect(await refusal(() => validated(body))).toBe(message);
    });
  });

  describe('the handler', () => {
    const service = { calls: [] as unknown[][], run: (...args: unknown[]) => (service.calls.push(args), Promise.resolve([] as MetricQueryResponse)) };
    beforeEach(() => (service.calls = []));

    it('should pass the metric of the path, the body and the scope the JWT guard set', async () => {
      const controller = new UiMetricsController(service as unknown as MetricQueryService);
      const scope: AccessScope = { kind: 'user', username: 'lab', namespaces: ['lab-vision'] };
      const body = await validated({ namespace: 'lab-vision' });
      const args = argumentsFor(UiMetricsController, 'queryMetric', { params: { '*': 'cpu/usage_rate/' }, [SCOPE_PROPERTY]: scope }, body);
      await (controller.queryMetric as Handler)(...args);
      expect(service.calls).toEqual([['cpu/usage_rate', body, scope]]);
    });

    it('should run the billing client unscoped (the service scope)', async () => {
      const controller = new MetricsController(service as unknown as MetricQueryService);
      await (controller.queryMetric as Handler)(...argumentsFor(MetricsController, 'queryMetric', { params: { '*': 'memory/usage' } }, {}));
      expect(service.calls).toEqual([['memory/usage', {}, SERVICE_SCOPE]]);
    });

    it('should refuse a path without a metric name, naming the metric', () => {
      expect(() => argumentsFor(MetricsController, 'queryMetric', { params: { '*': '' } }, {})).toThrow('metric: missing metric name in the path');
    });
  });

  // The period and namespace rules live in the service: the handler with the real service, whose
  // readers record what they were asked for.
  describe('period and namespace rules behind the handler', () => {
    const definition = METRIC_CATALOG.find((m) => m.name === 'cpu/usage_rate');
    let reads: string[];
    let controller: UiMetricsController;
    beforeEach(() => {
      reads = [];
      const sources = { resolve: () => Promise.resolve({ definition, source: { measurement: 'cpu/usage_rate' } }) };
      const raw = { query: () => (reads.push('raw'), Promise.resolve([])) };
      const aggregation = { aggregate: () => (reads.push('aggregation'), Promise.resolve([])) };
      const limiter = { run: (_scope: AccessScope, task: (admit: () => Promise<void>) => Promise<unknown>) => task(() => Promise.resolve()) };
      const service = new MetricQueryService(
        sources as unknown as MetricSourceResolver,
        raw as unknown as RawQueryService,
        aggregation as unknown as AggregationService,
        limiter as unknown as HeavyRequestLimiter,
      );
      controller = new UiMetricsController(service);
    });
    const viewer: AccessScope = { kind: 'user', username: 'lab', namespaces: ['lab-vision'] };
    const query = async (body: object, scope: AccessScope = viewer) => controller.queryMetric('cpu/usage_rate', await validated(body), scope);

    it.each([
      [
        { namespace: 'lab-vision', timeBeginInterval: '2017-12-02', timeEndInterval: '2017-12-01' },
        'timeEndInterval: must be later than timeBeginInterval (2017-12-02T00:00:00.000Z)',
      ],
      [
        { namespace: 'lab-vision', timeBeginInterval: '2017-12-01', timeEndInterval: '2017-12-01' },
        'timeEndInterval: must be later than timeBeginInterval (2017-12-01T00:00:00.000Z)',
      ],
      [
        { agg: 'all-namespace', timeBeginInterval: '2017-01-01', timeEndInterval: '2018-01-02T00:00:00.001Z' },
        'timeEndInterval: the period may cover at most 366 days; ask for several shorter periods',
      ],
      [
        { namespace: 'lab-vision', timeEndInterval: '1970-01-01T00:30:00Z' },
        'timeBeginInterval: must be between 1970-01-01T00:00:00Z and 2262-01-01T00:00:00Z; the default, 60 min before timeEndInterval, is 1969-12-31T23:30:00.000Z',
      ],
    ])('should refuse the period of %j before reading anything', async (body, message) => {
      expect(await refusal(() => query(body))).toBe(message);
      expect(reads).toEqual([]);
    });

    it('should cap aggregations at 366 days but not raw points, which `limit` bounds', async () => {
      await expect(query({ agg: 'all-namespace', timeBeginInterval: '2017-01-01', timeEndInterval: '2018-01-02' })).resolves.toEqual({
        code: 200,
        message: 'Query returns empty set',
      });
      await expect(query({ namespace: 'lab-vision', timeBeginInterval: '2010-01-01', timeEndInterval: '2018-01-01' })).resolves.toEqual({
        code: 200,
        message: 'Query returns empty set',
      });
      expect(reads).toEqual(['aggregation', 'raw']);
    });

    it("should refuse a namespace outside the person's account with a 403 naming the field", async () => {
      const error = await query({ namespace: 'lab-other' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForbiddenException);
      expect((error as ForbiddenException).message).toBe('namespace: you may not read namespace "lab-other"');
      expect(reads).toEqual([]);
    });

    it("should read, without a namespace, the person's own first namespace rather than refuse `default`", async () => {
      await expect(query({})).resolves.toEqual({ code: 200, message: 'Query returns empty set' });
      expect(reads).toEqual(['raw']);
    });
  });
});
