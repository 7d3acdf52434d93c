import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiExtraModels, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';

import { UsageReport } from '@kube-monitoring/contract';

import { AccessScope } from '../access/access-scope';
import { RequestScope } from '../access/request-scope.decorator';
import { auditCaller } from '../audit/audit-caller';
import { AuditService } from '../audit/audit.service';
import { ApiErrorDto } from '../common/api-error.dto';
import { ApiMetricsStoreErrors } from '../common/api-responses.decorators';
import { appendVary } from '../common/vary';
import { ServiceAuth } from '../guards/service-auth.decorator';
import { UserAuth } from '../guards/user-auth.decorator';
import { ApiHeavyRequestLimit } from '../limits/heavy-request.docs';
import { reportFormatFor } from './response-format';
import { usageCsvFileName, usageReportCsv } from './usage-csv';
import { UsageReportService } from './usage-report.service';
import { UsageReportDto, UsageReportRequestDto } from './usage.dto';

/** One namespace's figures; with one namespace in the example, they are the totals too. */
const EXAMPLE_FIGURES = {
  cpu_core_hours: 1534.213,
  cpu_cores_average: 2.062114,
  cpu_cores_peak: 7.412,
  memory_gib_hours: 9121.5,
  memory_gib_average: 12.26,
  memory_gib_peak: 30.1,
  gpu_memory_gb_hours: 20511.4,
  gpu_memory_gb_average: 27.57,
  gpu_memory_gb_peak: 63.2,
  coverage: 1,
  cpu_request_core_hours: 2200,
  memory_request_gib_hours: 10240,
  cpu_efficiency: 0.69737,
  memory_efficiency: 0.890771,
  gpu_hours: 744,
  billed_cpu_core_hours: 1534.213,
  billed_memory_gib_hours: 9121.5,
  billed_gpu_hours: 744,
};

const JSON_EXAMPLE: UsageReport = {
  from: '2017-12-01T00:00:00.000Z',
  to: '2018-01-01T00:00:00.000Z',
  groupBy: 'namespace',
  basis: 'usage',
  step_seconds: 60,
  rows: [{ namespace_name: 'lab-vision', pods: 14, ...EXAMPLE_FIGURES }],
  totals: EXAMPLE_FIGURES,
  sources: [
    { from: '2017-12-01T00:00:00.000Z', to: '2017-12-31T23:00:00.000Z', source: 'ledger' },
    { from: '2017-12-31T23:00:00.000Z', to: '2018-01-01T00:00:00.000Z', source: 'live' },
  ],
  generated_at: '2018-01-01T06:00:00.000Z',
};

const CSV_EXAMPLE =
  'period_from_utc,period_to_utc,namespace,pods,cpu_core_hours,cpu_cores_average,cpu_cores_peak,memory_gib_hours,memory_gib_average,memory_gib_peak,' +
  'gpu_memory_gb_hours,gpu_memory_gb_average,gpu_memory_gb_peak,coverage_fraction,cpu_request_core_hours,memory_request_gib_hours,cpu_efficiency,memory_efficiency,gpu_hours,billed_cpu_core_hours,billed_memory_gib_hours,billed_gpu_hours,overcommit_cpu_core_hours,overcommit_memory_gib_hours,overcommit_gpu_hours\r\n' +
  '2017-12-01T00:00:00.000Z,2018-01-01T00:00:00.000Z,lab-vision,14,1534.213,2.062114,7.412,9121.5,12.26,30.1,20511.4,27.57,63.2,1,2200,10240,0.69737,0.890771,744,1534.213,9121.5,744,,,\r\n';

/**
 * `POST /api/usage`, written once and mounted twice: for the billing client (service headers) and
 * under `/api/ui` for people (JWT, limited to their namespaces).
 */
@ApiTags('usage')
@ApiExtraModels(UsageReportDto)
export abstract class UsageEndpoints {
  constructor(
    private readonly usage: UsageReportService,
    private readonly audit: AuditService,
  ) {}

  /**
   * CPU core-hours, memory GiB-hours and GPU-memory GB-hours per namespace or per pod over a period,
   * as JSON, or as CSV with `Accept: text/csv`.
   */
  @Post('usage')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Usage report for billing: core-hours, GiB-hours, GPU GB-hours per namespace or pod (JSON or CSV)',
    description:
      "Usage over [from, to) (UTC): the time integral of each pod's CPU, memory and GPU memory, each pod counted once, " +
      'gaps longer than two sample steps counted as no usage. Send `Accept: text/csv` for the same rows as RFC 4180 CSV ' +
      '(header row, one row per group, units in the column names, no totals row). See docs/accounting.md for the definitions.',
  })
  @ApiBody({
    type: UsageReportRequestDto,
    examples: {
      month: { summary: 'December 2017, per namespace', value: { from: '2017-12-01', to: '2018-01-01' } },
      pods: { summary: 'Pods of two namespaces', value: { from: '2017-12-01', to: '2017-12-08', groupBy: 'pod', namespaces: ['lab-vision', 'course-ml'] } },
    },
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'The report. `text/csv` when the client prefers it in `Accept` (sent with `Content-Disposition: attachment`).',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(UsageReportDto) }, example: JSON_EXAMPLE },
      'text/csv': { schema: { type: 'string' }, example: CSV_EXAMPLE },
    },
  })
  @ApiBadRequestResponse({
    description: 'Invalid body (the message names the field), a time outside 1970-01-01 … 2262-01-01, `to` not after `from`, or a period over 366 days',
    type: ApiErrorDto,
  })
  @ApiForbiddenResponse({ description: "A namespace outside the caller's scope (/api/ui only)", type: ApiErrorDto })
  @ApiHeavyRequestLimit()
  @ApiMetricsStoreErrors()
  async usageReport(
    @Body() body: UsageReportRequestDto,
    @RequestScope() scope: AccessScope,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UsageReport | string> {
    const report = await this.usage.report(body, scope);
    const format = reportFormatFor(req.headers.accept);
    // A read: recorded in the background, so an unreachable audit trail never costs the answer.
    this.audit.recordInBackground({
      ...auditCaller(req),
      action: format === 'json' ? 'usage.report' : 'usage.export',
      target: null,
      detail: { from: report.from, to: report.to, groupBy: report.groupBy, basis: report.basis, step: report.step, namespaces: body.namespaces, rows: report.rows.length },
    });
    appendVary(reply, 'Accept');
    if (format === 'json') return report;
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${usageCsvFileName(report)}"`);
    return usageReportCsv(report);
  }
}

@Controller()
@ServiceAuth()
export class UsageController extends UsageEndpoints {}

/** The same handlers for people: JWT, limited to the namespaces of their account. */
@Controller('ui')
@UserAuth()
export class UiUsageController extends UsageEndpoints {}
