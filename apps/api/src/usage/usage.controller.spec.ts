import { ForbiddenException } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';

import { MetricUsage } from '@kube-monitoring/accounting';
import { METRIC_CATALOG, UsageReport } from '@kube-monitoring/contract';

import { recordingAudit } from '../../jest/audit-recorder';
import { argumentsFor, bodyTypeOf, bodyValidator, Handler, refusal, routeOf } from '../../jest/controller-metadata';
import { AccessScope, SERVICE_SCOPE } from '../access/access-scope';
import { SCOPE_PROPERTY } from '../access/request-scope.decorator';
import { PodUsageService } from '../aggregation/pod-usage.service';
import { AppConfig } from '../config/app-config';
import { ApiCredentialsGuard } from '../guards/api-credentials.guard';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { MeasuredSamples } from '../influx/measured-samples';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { HeavyRequestLimiter } from '../limits/heavy-request-limiter';
import { NodeCapacityService } from './node-capacity.service';
import { UsageReportService } from './usage-report.service';
import { UiUsageController, UsageController } from './usage.controller';
import { MAX_REPORT_NAMESPACES, UsageReportRequestDto } from './usage.dto';
import { UsageModule } from './usage.module';

const validated = bodyValidator(UsageReportRequestDto);

const RANGE = 'must be between 1970-01-01T00:00:00Z and 2262-01-01T00:00:00Z';
const FORMATS = 'must be an ISO-8601 date (2017-12-01) or date-time (2017-12-01T12:00:00Z)';
const PERIOD = { from: '2017-12-01', to: '2018-01-01' };

/** A reply that keeps its headers, as Fastify's does for `getHeader`/`header`. */
function fakeReply() {
  const headers: Record<string, string> = {};
  return {
    headers,
    getHeader: (name: string) => headers[name],
    header(name: string, value: string) {
      headers[name] = value;
      return this;
    },
  };
}

describe(UsageController.name, () => {
  describe('auth and routes', () => {
    it('should mount POST /api/usage (200) for the billing client with the service credentials only', () => {
      expect(routeOf(UsageController, 'usageReport')).toEqual({ path: '/api/usage', method: 'POST', status: 200, guards: [ApiCredentialsGuard], role: undefined });
    });

    it('should mount the same handler at POST /api/ui/usage (200) for people with the JWT guard only, no role', () => {
      expect(routeOf(UiUsageController, 'usageReport')).toEqual({ path: '/api/ui/usage', method: 'POST', status: 200, guards: [JwtAuthGuard], role: undefined });
      expect(UiUsageController.prototype.usageReport).toBe(UsageController.prototype.usageReport);
    });

    it('should register both mounts in the module', () => {
      expect(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, UsageModule)).toEqual(expect.arrayContaining([UsageController, UiUsageController]));
    });
  });

  describe('validation of the body', () => {
    it('should validate the body as UsageReportRequestDto', () => {
      expect(bodyTypeOf(UsageController, 'usageReport')).toBe(UsageReportRequestDto);
      expect(bodyTypeOf(UiUsageController, 'usageReport')).toBe(UsageReportRequestDto);
    });

    it('should accept a complete body, parsing the instants and a string flag', async () => {
      await expect(
        validated({ from: '2017-12-01', to: '2017-12-08T00:00:00+01:00', groupBy: 'pod', namespaces: ['lab-vision', 'course-ml'], includeSystem: 'false' }),
      ).resolves.toEqual({
        from: new Date('2017-12-01T00:00:00Z'),
        to: new Date('2017-12-07T23:00:00Z'),
        groupBy: 'pod',
        namespaces: ['lab-vision', 'course-ml'],
        includeSystem: false,
      });
      const most = Array.from({ length: MAX_REPORT_NAMESPACES }, (_, i) => `ns-${i}`);
      await expect(validated({ from: '1970-01-01', to: '2262-01-01', namespaces: most })).resolves.toMatchObject({ namespaces: most });
    });

    it.each([
      ['a string', '{"from":"2017-12-01"}', 'body: must be a JSON object, got a string'],
      ['an unknown field', { ...PERIOD, format: 'csv' }, 'format: property format should not exist'],
      ['a namespace field (the report takes a list)', { ...PERIOD, namespace: 'lab-vision' }, 'namespace: property namespace should not exist'],
      ['a window that is no string', { window: 7 }, 'window: must be a string such as "lastmonth", "7d" or "<from>,<to>"'],
      ['a too long window', { window: 'x'.repeat(101) }, 'window: at most 100 characters'],
      ['another step', { ...PERIOD, step: '2d' }, 'step: must be one of 1h, 1d, 1w, 1mo'],
      ['a from that is no date', { from: 'December', to: '2018-01-01' }, `from: ${FORMATS}`],
      ['a to that is no calendar day', { from: '2017-12-01', to: '2018-02-30' }, `to: ${FORMATS}`],
      ['a from as epoch ms', { from: 1512086400000, to: '2018-01-01' }, `from: ${FORMATS} string`],
      ['a from before 1970', { from: '1969-12-31T23:00:00Z', to: '2018-01-01' }, `from: ${RANGE} (what InfluxDB can store), got 1969-12-31T23:00:00.000Z`],
      ['a to after 2262-01-01', { from: '2017-12-01', to: '2262-01-01T00:00:00.001Z' }, `to: ${RANGE} (what InfluxDB can store), got 2262-01-01T00:00:00.001Z`],
      ['another grouping', { ...PERIOD, groupBy: 'container' }, 'groupBy: must be "namespace", "pod" or "node"'],
      ['one namespace as text', { ...PERIOD, namespaces: 'lab-vision' }, 'namespaces: must be an array of namespace names'],
      ['a namespace that is no string', { ...PERIOD, namespaces: ['lab-vision', null] }, 'namespaces: each entry must be a string'],
      ['an upper-case namespace', { ...PERIOD, namespaces: ['Lab-Vision'] }, 'namespaces: each entry must be a Kubernetes namespace name (lower-case letters, digits and "-")'],
      ['a too long namespace', { ...PERIOD, namespaces: ['n'.repeat(64)] }, 'namespaces: each entry must be at most 63 characters'],
      [
        'too many namespaces',
        { ...PERIOD, namespaces: Array.from({ length: MAX_REPORT_NAMESPACES + 1 }, (_, i) => `ns-${i}`) },
        `namespaces: at most ${MAX_REPORT_NAMESPACES} names`,
      ],
      ['a flag as a number', { ...PERIOD, includeSystem: 0 }, 'includeSystem: must be true or false'],
    ])('should refuse %s naming the field', async (_case, body, message) => {
      expect(await refusal(() => validated(body))).toBe(message);
    });
  });

  describe('the handler', () => {
    const REPORT: UsageReport = {
      from: '2017-12-01T00:00:00.000Z',
      to: '2018-01-01T00:00:00.000Z',
      groupBy: 'namespace',
      basis: 'usage',
      step_seconds: 60,
      sources: [],
      rows: [],
      totals: {
        cpu_core_hours: 0,
        cpu_cores_average: 0,
        cpu_cores_peak: 0,
        memory_gib_hours: 0,
        memory_gib_average: 0,
        memory_gib_peak: 0,
        gpu_memory_gb_hours: 0,
        gpu_memory_gb_average: 0,
        gpu_memory_gb_peak: 0,
        coverage: 0,
        cpu_request_core_hours: 0,
        memory_request_gib_hours: 0,
        cpu_efficiency: null,
        memory_efficiency: null,
        gpu_hours: 0,
        billed_cpu_core_hours: 0,
        billed_memory_gib_hours: 0,
        billed_gpu_hours: 0,
      },
      generated_at: '2018-01-01T06:00:00.000Z',
    };
    const service = { calls: [] as unknown[][], report: (...args: unknown[]) => (service.calls.push(args), Promise.resolve(REPORT)) };
    beforeEach(() => (service.calls = []));

    it('should pass the body and the scope the JWT guard set, and answer JSON by default', async () => {
      const recorded = recordingAudit();
      const controller = new UiUsageController(service as unknown as UsageReportService, recorded.audit);
      const scope: AccessScope = { kind: 'user', username: 'lab', namespaces: ['lab-vision'] };
      const body = await validated(PERIOD);
      const reply = fakeReply();
      const answer = await (controller.usageReport as Handler)(...argumentsFor(UiUsageController, 'usageReport', { headers: {}, [SCOPE_PROPERTY]: scope }, body, reply));
      expect(service.calls).toEqual([[body, scope]]);
      expect(answer).toBe(REPORT);
      expect(reply.headers).toEqual({ vary: 'Accept' });
      expect(recorded.entries).toEqual([
        {
          actor: 'user:lab',
          client: null,
          action: 'usage.report',
          target: null,
          detail: { from: REPORT.from, to: REPORT.to, groupBy: 'namespace', basis: REPORT.basis, rows: REPORT.rows.length },
          how: 'background',
        },
      ]);
    });

    it('should run the billing client unscoped and answer CSV as an attachment when asked for', async () => {
      const recorded = recordingAudit();
      const controller = new UsageController(service as unknown as UsageReportService, recorded.audit);
      const reply = fakeReply().header('vary', 'Origin');
      const request = { headers: { accept: 'text/csv' }, ip: '192.0.2.3' };
      const answer = await (controller.usageReport as Handler)(...argumentsFor(UsageController, 'usageReport', request, {}, reply));
      expect(service.calls).toEqual([[{}, SERVICE_SCOPE]]);
      expect(answer).toMatch(/^period_from_utc,period_to_utc,namespace,pods,cpu_core_hours,/);
      expect(reply.headers).toEqual({
        vary: 'Origin, Accept',
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="usage-by-namespace-2017-12-01T00-00-00Z-2018-01-01T00-00-00Z.csv"',
      });
      expect(recorded.entries).toMatchObject([{ actor: 'service', client: '192.0.2.3', action: 'usage.export', how: 'background' }]);
    });
  });

  // `to` after `from`, the 366-day cap and the namespace scope live in the service: the handler with
  // the real service, whose readers record what they were asked for.
  describe('period and namespace rules behind the handler', () => {
    let reads: string[];
    let controller: UiUsageController;
    beforeEach(() => {
      reads = [];
      const sources = {
        resolve: (metric: string) => Promise.resolve({ definition: METRIC_CATALOG.find((m) => m.name === metric), source: { measurement: metric } }),
      };
      const measured = { of: (metric: string) => Promise.resolve({ cacheKey: metric, metric }) };
      const usage: MetricUsage = { stepMs: 60_000, pods: [], namespaces: new Map(), total: undefined };
      const podUsage = {
        stepMs: () => Promise.resolve(60_000),
        usage: (source: { measurement?: string; metric?: string }) => (reads.push(source.measurement ?? source.metric ?? ''), Promise.resolve(usage)),
      };
      const nodes = { offered: () => (reads.push('nodes'), Promise.resolve({ cpu: 0, memory: 0 })) };
      const limiter = { run: (_scope: AccessScope, task: (admit: () => Promise<void>) => Promise<unknown>) => task(() => Promise.resolve()) };
      const service = new UsageReportService(
        sources as unknown as MetricSourceResolver,
        measured as unknown as MeasuredSamples,
        podUsage as unknown as PodUsageService,
        limiter as unknown as HeavyRequestLimiter,
        nodes as unknown as NodeCapacityService,
        {
          billingTimeZone: 'UTC',
        } as AppConfig,
      );
      controller = new UiUsageController(service, recordingAudit().audit);
    });
    const viewer: AccessScope = { kind: 'user', username: 'lab', namespaces: ['lab-vision', 'course-ml'] };
    const report = async (body: object) => controller.usageReport(await validated(body), viewer, { headers: {} } as never, fakeReply() as never);

    it('should answer the whole period and each step, every step its own reads', async () => {
      const answer = (await report({ from: '2017-12-01', to: '2017-12-03T12:00:00Z', step: '1d' })) as UsageReport;
      expect(answer.step).toBe('1d');
      expect(answer.steps?.map((s) => [s.from, s.to])).toEqual([
        ['2017-12-01T00:00:00.000Z', '2017-12-02T00:00:00.000Z'],
        ['2017-12-02T00:00:00.000Z', '2017-12-03T00:00:00.000Z'],
        ['2017-12-03T00:00:00.000Z', '2017-12-03T12:00:00.000Z'],
      ]);
      // Six measures (three used, two requested, GPU devices held) for the whole period and for each of the three steps.
      expect(reads).toHaveLength(6 * 4);
    });

    it.each([
      [{ from: '2018-01-01', to: '2017-12-01' }, 'to: must be later than from (2018-01-01T00:00:00.000Z)'],
      [{ from: '2017-12-01', to: '2017-12-01T00:00:00Z' }, 'to: must be later than from (2017-12-01T00:00:00.000Z)'],
      [{ from: '2017-01-01', to: '2018-01-02T00:00:00.001Z' }, 'to: the period may cover at most 366 days; ask for several shorter periods'],
      [{ from: '1970-01-01', to: '2262-01-01' }, 'to: the period may cover at most 366 days; ask for several shorter periods'],
    ])('should refuse the period of %j before reading anything', async (body, message) => {
      expect(await refusal(() => report(body))).toBe(message);
      expect(reads).toEqual([]);
    });

    it('should refuse the idle capacity of the cluster to a viewer of some namespaces, naming includeIdle', async () => {
      await expect(report({ from: '2017-12-01', to: '2017-12-02', includeIdle: true })).rejects.toThrow(
        'includeIdle: the idle capacity of the cluster needs access to every namespace',
      );
      expect(reads).toEqual([]);
    });

    it('should accept a period of exactly 366 days and read the billed metrics and the requests', async () => {
      await expect(report({ from: '2017-01-01', to: '2018-01-02' })).resolves.toMatchObject({ from: '2017-01-01T00:00:00.000Z', to: '2018-01-02T00:00:00.000Z', rows: [] });
      expect(reads.sort()).toEqual(['cpu/request', 'cpu/usage_rate', 'gpu/devices', 'gpu/usage', 'memory/request', 'memory/usage']);
    });

    it("should refuse a namespace outside the person's account with a 403 naming the field", async () => {
      const error = await report({ ...PERIOD, namespaces: ['lab-vision', 'lab-other'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForbiddenException);
      expect((error as ForbiddenException).message).toBe('namespaces: you may not read namespace "lab-other"');
      expect(reads).toEqual([]);
    });
  });
});
