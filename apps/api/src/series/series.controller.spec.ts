import { ForbiddenException } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';

import { METRIC_CATALOG, SeriesResponse } from '@kube-monitoring/contract';
import { ChartSeriesReader } from '@kube-monitoring/influx';

import { argumentsFor, bodyTypeOf, bodyValidator, Handler, refusal, routeOf } from '../../jest/controller-metadata';
import { AccessScope, SERVICE_SCOPE } from '../access/access-scope';
import { SCOPE_PROPERTY } from '../access/request-scope.decorator';
import { PodUsageService } from '../aggregation/pod-usage.service';
import { ApiCredentialsGuard } from '../guards/api-credentials.guard';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { HeavyRequestLimiter } from '../limits/heavy-request-limiter';
import { SeriesController, UiSeriesController } from './series.controller';
import { MAX_STEP_SECONDS, SeriesRequestDto } from './series.dto';
import { SeriesModule } from './series.module';
import { SeriesService } from './series.service';

const validated = bodyValidator(SeriesRequestDto);

const RANGE = 'must be between 1970-01-01T00:00:00Z and 2262-01-01T00:00:00Z';

describe(SeriesController.name, () => {
  describe('auth and routes', () => {
    it('should mount POST /api/series/* (200) for the billing client with the service credentials only', () => {
      expect(routeOf(SeriesController, 'metricSeries')).toEqual({ path: '/api/series/*', method: 'POST', status: 200, guards: [ApiCredentialsGuard], role: undefined });
    });

    it('should mount the same handler at POST /api/ui/series/* (200) for people with the JWT guard only, no role', () => {
      expect(routeOf(UiSeriesController, 'metricSeries')).toEqual({ path: '/api/ui/series/*', method: 'POST', status: 200, guards: [JwtAuthGuard], role: undefined });
      expect(UiSeriesController.prototype.metricSeries).toBe(SeriesController.prototype.metricSeries);
    });

    it('should register both mounts in the module', () => {
      expect(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, SeriesModule)).toEqual(expect.arrayContaining([SeriesController, UiSeriesController]));
    });
  });

  describe('validation of the body', () => {
    it('should validate the body as SeriesRequestDto', () => {
      expect(bodyTypeOf(SeriesController, 'metricSeries')).toBe(SeriesRequestDto);
      expect(bodyTypeOf(UiSeriesController, 'metricSeries')).toBe(SeriesRequestDto);
    });

    it('should accept a complete body, parsing instants, a numeric-string step and a string flag', async () => {
      await expect(
        validated({ from: '2017-12-01T08:00:00Z', to: '2017-12-01T20:00:00+00:00', groupBy: 'pod', namespace: 'lab-vision', step: '300', includeSystem: 'true' }),
      ).resolves.toEqual({ from: new Date('2017-12-01T08:00:00Z'), to: new Date('2017-12-01T20:00:00Z'), groupBy: 'pod', namespace: 'lab-vision', step: 300, includeSystem: true });
      await expect(validated({ from: '1970-01-01', to: '2262-01-01', step: MAX_STEP_SECONDS, groupBy: 'container' })).resolves.toMatchObject({ step: MAX_STEP_SECONDS });
      await expect(validated({})).resolves.toEqual({});
    });

    it.each([
      [[], 'body: must be a JSON object, got an array'],
      [{ metric: 'cpu/usage_rate' }, 'metric: property metric should not exist'],
      [{ namespaces: ['lab-vision'] }, 'namespaces: property namespaces should not exist'],
      [{ from: 'last week' }, 'from: must be an ISO-8601 date (2017-12-01) or date-time (2017-12-01T12:00:00Z)'],
      [{ to: '2017-02-29' }, 'to: must be an ISO-8601 date (2017-12-01) or date-time (2017-12-01T12:00:00Z)'],
      [{ from: true }, 'from: must be an ISO-8601 date (2017-12-01) or date-time (2017-12-01T12:00:00Z) string'],
      [{ from: '1969-12-31' }, `from: ${RANGE} (what InfluxDB can store), got 1969-12-31T00:00:00.000Z`],
      [{ to: '2262-01-02' }, `to: ${RANGE} (what InfluxDB can store), got 2262-01-02T00:00:00.000Z`],
      [{ groupBy: 'cluster' }, 'groupBy: must be one of namespace, pod, container, node'],
      [{ namespace: ['lab-vision'] }, 'namespace: must be a string'],
      [{ namespace: '-lab' }, 'namespace: must be a Kubernetes namespace name (lower-case letters, digits and "-")'],
      [{ namespace: 'n'.repeat(64) }, 'namespace: must be at most 63 characters'],
      [{ step: 0 }, `step: must be an integer between 1 and ${MAX_STEP_SECONDS}`],
      [{ step: MAX_STEP_SECONDS + 1 }, `step: must be an integer between 1 and ${MAX_STEP_SECONDS}`],
      [{ step: '5m' }, `step: must be an integer between 1 and ${MAX_STEP_SECONDS}`],
      [{ includeSystem: 'yes' }, 'includeSystem: must be true or false'],
    ])('should refuse %j naming the field', async (body, message) => {
      expect(await refusal(() => validated(body))).toBe(message);
    });
  });

  describe('the handler', () => {
    const service = { calls: [] as unknown[][], series: (...args: unknown[]) => (service.calls.push(args), Promise.resolve({} as SeriesResponse)) };
    beforeEach(() => (service.calls = []));

    it('should pass the metric of the path, the body and the scope the JWT guard set', async () => {
      const controller = new UiSeriesController(service as unknown as SeriesService);
      const scope: AccessScope = { kind: 'user', username: 'lab', namespaces: ['lab-vision'] };
      const body = await validated({ groupBy: 'pod' });
      await (controller.metricSeries as Handler)(...argumentsFor(UiSeriesController, 'metricSeries', { params: { '*': 'cpu/usage_rate' }, [SCOPE_PROPERTY]: scope }, body));
      expect(service.calls).toEqual([['cpu/usage_rate', body, scope]]);
    });

    it('should run the billing client unscoped (the service scope)', async () => {
      const controller = new SeriesController(service as unknown as SeriesService);
      await (controller.metricSeries as Handler)(...argumentsFor(SeriesController, 'metricSeries', { params: { '*': 'memory/usage' } }, {}));
      expect(service.calls).toEqual([['memory/usage', {}, SERVICE_SCOPE]]);
    });
  });

  // The period, step and namespace rules live in the service: the handler with the real service,
  // whose readers record what they were asked for.
  describe('period, step and namespace rules behind the handler', () => {
    const definition = METRIC_CATALOG.find((m) => m.name === 'cpu/usage_rate');
    let reads: string[];
    let controller: UiSeriesController;
    beforeEach(() => {
      reads = [];
      const sources = { resolve: () => Promise.resolve({ definition, source: { measurement: 'cpu/usage_rate', podLevel: 'pod' } }) };
      const podUsage = {
        stepMs: () => (reads.push('sample step'), Promise.resolve(60_000)),
        containerSelectionFromIndex: () => (reads.push('index'), Promise.resolve(undefined)),
      };
      const charts = {
        newestSampleMs: () => (reads.push('newest'), Promise.resolve(undefined)),
        lines: async function* () {
          reads.push('chart');
          yield* [];
        },
      };
      const limiter = { run: (_scope: AccessScope, task: (admit: () => Promise<void>) => Promise<unknown>) => task(() => Promise.resolve()) };
      const service = new SeriesService(
        sources as unknown as MetricSourceResolver,
        podUsage as unknown as PodUsageService,
        charts as unknown as ChartSeriesReader,
        limiter as unknown as HeavyRequestLimiter,
      );
      controller = new UiSeriesController(service);
    });
    const viewer: AccessScope = { kind: 'user', username: 'lab', namespaces: ['lab-vision'] };
    const series = async (body: object) => controller.metricSeries('cpu/usage_rate', await validated(body), viewer);

    it.each([
      [{ from: '2017-12-02', to: '2017-12-01' }, 'to: must be later than from (2017-12-02T00:00:00.000Z)'],
      [{ from: '2017-12-01T00:00:00Z', to: '2017-12-01' }, 'to: must be later than from (2017-12-01T00:00:00.000Z)'],
      [{ from: '2017-01-01', to: '2018-01-02T00:00:01Z' }, 'to: the period may cover at most 366 days; ask for several shorter periods'],
      [{ to: '1970-01-01T00:59:59Z' }, `from: ${RANGE}; the default, 60 min before to, is 1969-12-31T23:59:59.000Z`],
    ])('should refuse the period of %j before reading anything', async (body, message) => {
      expect(await refusal(() => series(body))).toBe(message);
      expect(reads).toEqual([]);
    });

    it('should accept a period of exactly 366 days', async () => {
      await expect(series({ from: '2017-01-01', to: '2018-01-02' })).resolves.toMatchObject({ from: '2017-01-01T00:00:00.000Z', to: '2018-01-02T00:00:00.000Z', series: [] });
      expect(reads).toEqual(['sample step', 'index', 'newest', 'chart']);
    });

    it('should refuse a step giving more than 10000 points, naming the step, before reading a chart', async () => {
      expect(await refusal(() => series({ from: '2017-12-01', to: '2017-12-08', step: 60 }))).toBe(
        'step: 60 s gives 10080 points over this period, at most 10000; use a step of at least 61 s',
      );
      expect(reads).toEqual(['sample step']);
    });

    it("should refuse a namespace outside the person's account with a 403 naming the field", async () => {
      const error = await series({ namespace: 'lab-other' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForbiddenException);
      expect((error as ForbiddenException).message).toBe('namespace: you may not read namespace "lab-other"');
      expect(reads).toEqual([]);
    });
  });
});
