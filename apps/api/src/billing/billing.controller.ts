import { Body, ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';

import { focusCsv, FocusExportError, invoiceAdjustmentsCsv, invoiceCsv } from '@kube-monitoring/billing';

import { AccessScope } from '../access/access-scope';
import { RequestScope } from '../access/request-scope.decorator';
import { auditCaller } from '../audit/audit-caller';
import { AuditService } from '../audit/audit.service';
import { ApiErrorDto } from '../common/api-error.dto';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ServiceOrAdminAuth } from '../guards/service-or-admin-auth.decorator';
import { ServiceOrUserAuth } from '../guards/service-or-user-auth.decorator';
import { BillingPeriodsService, exportFileName, PeriodAnswer } from './billing-periods.service';
import { BillingTermsService } from './billing-terms.service';
import {
  AssignmentDto,
  AssignmentImportDto,
  AssignmentListDto,
  BillingPeriodDto,
  BillingPeriodListDto,
  CostCentreDto,
  CostCentreListDto,
  CreateAssignmentDto,
  CreateCostCentreDto,
  CreateTariffDto,
  ImportAssignmentsDto,
  InvoicePdfParamsDto,
  InvoicesCsvQueryDto,
  PeriodParamsDto,
  PeriodQueryDto,
  RestateDto,
  TariffDto,
  TariffListDto,
} from './billing.dto';
import { invoicePdf, NoSuchInvoiceError } from './pdf/invoice-pdf';

const TARIFF_EXAMPLE = {
  name: 'standard',
  currency: 'EUR',
  validFrom: '2026-10-01T00:00:00Z',
  basis: 'request',
  prices: { cpu_core_hour: '0.021', memory_gib_hour: '0.0029', gpu_hour: '1.35', gpu_memory_gb_hour: '0.004' },
  rounding: { mode: 'half-up', decimals: 2 },
};

/**
 * Tariffs, cost centres and assignments: the billing system (service credentials, a billing-admin
 * API key) or an administrator writes and reads them.
 */
@ApiTags('billing')
@Controller('billing')
@ServiceOrAdminAuth()
export class BillingTermsController {
  constructor(
    private readonly terms: BillingTermsService,
    private readonly audit: AuditService,
  ) {}

  @Post('tariffs')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tariff, or its next version (same name, later validFrom)' })
  @ApiBody({ type: CreateTariffDto, examples: { standard: { summary: 'Requests billed, GPU memory priced', value: TARIFF_EXAMPLE } } })
  @ApiCreatedResponse({ type: TariffDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid body (the message names the field), or a currency other than the tariff’s' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'validFrom not later than the tariff’s latest version' })
  async createTariff(@Body() body: CreateTariffDto, @RequestScope() scope: AccessScope, @Req() req: FastifyRequest): Promise<TariffDto> {
    const tariff = await this.terms.createTariff(body, scope);
    await this.audit.record({ ...auditCaller(req), action: 'billing.tariff.create', target: `tariff:${tariff.name}`, detail: { ...tariff } });
    return tariff;
  }

  @Get('tariffs')
  @ApiOperation({ summary: 'Every version of every tariff' })
  @ApiOkResponse({ type: TariffListDto })
  async listTariffs(): Promise<TariffListDto> {
    return { tariffs: await this.terms.tariffs() };
  }

  @Post('cost-centres')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a cost centre, or its next version (same code, later validFrom)' })
  @ApiBody({
    type: CreateCostCentreDto,
    examples: { lab: { summary: 'A lab’s SIFAC cost centre', value: { code: 'F4521-INFO', name: 'Computer vision lab', tariff: 'standard', contact: 'pi-vision@example.org' } } },
  })
  @ApiCreatedResponse({ type: CostCentreDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid body, or an unknown tariff' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'validFrom not later than the cost centre’s latest version' })
  async createCostCentre(@Body() body: CreateCostCentreDto, @RequestScope() scope: AccessScope, @Req() req: FastifyRequest): Promise<CostCentreDto> {
    const centre = await this.terms.createCostCentre(body, scope);
    await this.audit.record({ ...auditCaller(req), action: 'billing.cost-centre.create', target: `cost-centre:${centre.code}`, detail: { ...centre } });
    return centre;
  }

  @Get('cost-centres')
  @ApiOperation({ summary: 'Every version of every cost centre' })
  @ApiOkResponse({ type: CostCentreListDto })
  async listCostCentres(): Promise<CostCentreListDto> {
    return { costCentres: await this.terms.costCentres() };
  }

  @Post('assignments')
  @HttpCode(201)
  @ApiOperation({ summary: 'Assign a namespace, or the pods with a label value, to a cost centre from validFrom on' })
  @ApiBody({
    type: CreateAssignmentDto,
    examples: {
      namespace: { summary: 'A namespace, moved on the 15th', value: { costCentre: 'F4521-INFO', namespace: 'lab-vision', validFrom: '2026-10-15T00:00:00Z' } },
      label: { summary: 'Pods labelled team=vision, in any namespace', value: { costCentre: 'F4521-INFO', label: 'team', value: 'vision', validFrom: '2026-10-01T00:00:00Z' } },
    },
  })
  @ApiCreatedResponse({ type: AssignmentDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid body, both or neither of namespace and label, or an unknown cost centre' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'An assignment of that namespace or label from that instant exists' })
  async createAssignment(@Body() body: CreateAssignmentDto, @RequestScope() scope: AccessScope, @Req() req: FastifyRequest): Promise<AssignmentDto> {
    const assignment = await this.terms.createAssignment(body, scope);
    await this.audit.record({ ...auditCaller(req), action: 'billing.assignment.create', target: `cost-centre:${assignment.costCentre}`, detail: { ...assignment } });
    return assignment;
  }

  @Post('assignments/import')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Import assignments from CSV (all rows or none)',
    description:
      'RFC 4180 CSV with a header naming the columns `costCentre`, `namespace`, `label`, `value`, `validFrom` (any order; `namespace` or `label`+`value` per row). ' +
      'Send it as `Content-Type: text/csv`, or as JSON `{"csv": "…"}`. A wrong row refuses the whole import with a 400 naming its line and field.',
  })
  @ApiConsumes('text/csv', 'application/json')
  @ApiBody({
    type: ImportAssignmentsDto,
    examples: {
      csv: {
        summary: 'Two namespaces and a label',
        value: { csv: 'costCentre,namespace,label,value,validFrom\nF4521-INFO,lab-vision,,,2026-10-01\nF7710-MATH,course-ml,,,2026-10-01\nF4521-INFO,,team,vision,2026-10-01\n' },
      },
    },
  })
  @ApiCreatedResponse({ type: AssignmentImportDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'A syntax error or an invalid row: the message names the line and field' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'A row repeats an existing assignment’s namespace or label and instant' })
  async importAssignments(@Body() body: ImportAssignmentsDto, @RequestScope() scope: AccessScope, @Req() req: FastifyRequest): Promise<AssignmentImportDto> {
    const imported = await this.terms.importAssignments(body.csv, scope);
    await this.audit.record({ ...auditCaller(req), action: 'billing.assignment.import', target: null, detail: { imported } });
    return { imported };
  }

  @Get('assignments')
  @ApiOperation({ summary: 'Every assignment, with its history' })
  @ApiOkResponse({ type: AssignmentListDto })
  async listAssignments(): Promise<AssignmentListDto> {
    return { assignments: await this.terms.assignments() };
  }
}

/** A period document as JSON: its exact bytes (a closed version's as stored), the late-data hint in a header. */
function sendDocument(reply: FastifyReply, answer: PeriodAnswer): string {
  reply.header('content-type', 'application/json; charset=utf-8');
  if (answer.document.sha256) reply.header('etag', `"${answer.document.sha256}"`);
  if (answer.lateDataSince) reply.header('late-data-since', answer.lateDataSince);
  return answer.body;
}

/** Billing periods: everyone signed in reads (a viewer the lines of their namespaces); closing and restating is for the billing system or an administrator. */
@ApiTags('billing')
@Controller('billing/periods')
export class BillingPeriodsController {
  constructor(
    private readonly periods: BillingPeriodsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A download of a period (a read): recorded in the background, never costing the answer. */
  private downloaded(req: FastifyRequest, action: string, period: string, answer: PeriodAnswer, detail: Record<string, unknown> = {}): void {
    const { version, status, sha256 } = answer.document;
    this.audit.recordInBackground({ ...auditCaller(req), action, target: `period:${period}`, detail: { version, status, sha256, ...detail } });
  }

  @Get()
  @ServiceOrUserAuth()
  @ApiOperation({ summary: 'Closed periods (latest version, hash, late data) and the current month' })
  @ApiOkResponse({ type: BillingPeriodListDto })
  async listPeriods(): Promise<BillingPeriodListDto> {
    return { periods: await this.periods.list() };
  }

  @Get(':period')
  @ServiceOrUserAuth()
  @ApiOperation({
    summary: 'A month’s invoices: computed while open, the frozen bytes once closed',
    description:
      'Open: recomputed from the ledger and the terms on every read (`version` 0, `sha256` null). Closed: the stored canonical JSON, byte for byte, whatever ' +
      'happens to samples, ledger, tariffs or assignments; `sha256` is the SHA-256 of the canonical JSON of the document without `sha256` (docs/billing.md). ' +
      'Header `Late-Data-Since`: samples of the period changed after closing (restate to take them). A viewer gets the lines of their namespaces (`partial`).',
  })
  @ApiOkResponse({ type: BillingPeriodDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'period not YYYY-MM, or a bad version' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such version' })
  async getPeriod(
    @Param() params: PeriodParamsDto,
    @Query() query: PeriodQueryDto,
    @RequestScope() scope: AccessScope,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const answer = await this.periods.get(params.period, scope, query.version);
    this.downloaded(req, 'billing.period.read', params.period, answer);
    return sendDocument(reply, answer);
  }

  @Get(':period/invoices.csv')
  @ServiceOrUserAuth()
  @ApiOperation({
    summary: 'A month’s invoice lines as CSV for a finance system: our columns, FOCUS 1.2, or a restatement’s adjustments',
    description: 'RFC 4180 (CRLF, header row). Columns and the FOCUS mapping: docs/billing-exports.md. The same version rules as the JSON (`version`, latest by default).',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The CSV, with `Content-Disposition: attachment`.', content: { 'text/csv': { schema: { type: 'string' } } } })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'period, version or format invalid' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'FOCUS cannot state the period truthfully (e.g. only unpriced lines: no currency)' })
  async invoicesCsv(
    @Param() params: PeriodParamsDto,
    @Query() query: InvoicesCsvQueryDto,
    @RequestScope() scope: AccessScope,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const answer = await this.periods.get(params.period, scope, query.version);
    const { document } = answer;
    const format = query.format ?? 'invoice';
    let csv: string;
    try {
      csv =
        format === 'focus'
          ? focusCsv(document, { issuerName: this.config.billing.issuerName, providerName: this.config.billing.providerName, clusterName: this.config.billing.clusterName })
          : format === 'adjustments'
            ? invoiceAdjustmentsCsv(document)
            : invoiceCsv(document);
    } catch (e) {
      if (e instanceof FocusExportError) throw new ConflictException(`format: FOCUS cannot state this period: ${e.message}`);
      throw e;
    }
    this.downloaded(req, 'billing.invoices.export', params.period, answer, { format });
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${exportFileName(document, format === 'invoice' ? 'invoices' : format, 'csv')}"`);
    return csv;
  }

  @Get(':period/invoices/:file')
  @ServiceOrUserAuth()
  @ApiOperation({
    summary: 'A cost centre’s invoice as a PDF a person files: `…/invoices/{costCentre}.pdf`',
    description: 'Header (issuer, cost centre, period, status, version), the lines, totals and basis, and the period’s SHA-256 (open months: figures may still change).',
  })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The PDF (`Content-Disposition: attachment`).', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No invoice for that cost centre in the period (or none the caller may see), or not a `.pdf` name' })
  async invoicePdf(
    @Param() params: InvoicePdfParamsDto,
    @Query() query: PeriodQueryDto,
    @RequestScope() scope: AccessScope,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const costCentre = /^(.+)\.pdf$/.exec(params.file)?.[1];
    if (!costCentre) throw new NotFoundException('file: ask for <costCentre>.pdf, e.g. F4521-INFO.pdf');
    const answer = await this.periods.get(params.period, scope, query.version);
    const { document } = answer;
    let pdf: Buffer;
    try {
      pdf = await invoicePdf(document, costCentre, { issuerName: this.config.billing.issuerName });
    } catch (e) {
      if (e instanceof NoSuchInvoiceError) throw new NotFoundException(`costCentre: period ${params.period} has no invoice for "${costCentre.slice(0, 64)}"`);
      throw e;
    }
    this.downloaded(req, 'billing.invoice.pdf', params.period, answer, { costCentre });
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', `attachment; filename="${exportFileName(document, `invoice-${costCentre.replace(/[^A-Za-z0-9._-]/g, '_')}`, 'pdf')}"`);
    return pdf;
  }

  @Post(':period/close')
  @HttpCode(201)
  @ServiceOrAdminAuth()
  @ApiOperation({ summary: 'Close an ended month: freeze its invoices as canonical JSON with their SHA-256 (version 1)' })
  @ApiCreatedResponse({ type: BillingPeriodDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Closed already (restate instead), or the month has not ended' })
  async closePeriod(
    @Param() params: PeriodParamsDto,
    @RequestScope() scope: AccessScope,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const answer = await this.periods.close(params.period, scope);
    await this.audit.record({ ...auditCaller(req), action: 'billing.period.close', target: `period:${params.period}`, detail: { version: 1, sha256: answer.document.sha256 } });
    return sendDocument(reply, answer);
  }

  @Post(':period/restate')
  @HttpCode(201)
  @ServiceOrAdminAuth()
  @ApiOperation({ summary: 'Restate a closed month: recompute into version n+1, with the reason and the adjustments to version n' })
  @ApiBody({ type: RestateDto, examples: { late: { summary: 'Late samples', value: { reason: 'Late GPU samples of 14–15 October imported after closing' } } } })
  @ApiCreatedResponse({ type: BillingPeriodDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The period is open (close it first)' })
  async restatePeriod(
    @Param() params: PeriodParamsDto,
    @Body() body: RestateDto,
    @RequestScope() scope: AccessScope,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const answer = await this.periods.restate(params.period, body.reason, scope);
    const { version, sha256, adjustments } = answer.document;
    await this.audit.record({
      ...auditCaller(req),
      action: 'billing.period.restate',
      target: `period:${params.period}`,
      detail: { version, sha256, reason: body.reason, adjustments: adjustments?.length ?? 0 },
    });
    return sendDocument(reply, answer);
  }
}
