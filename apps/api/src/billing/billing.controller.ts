import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiConsumes, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';

import { AccessScope } from '../access/access-scope';
import { RequestScope } from '../access/request-scope.decorator';
import { ApiErrorDto } from '../common/api-error.dto';
import { ServiceOrAdminAuth } from '../guards/service-or-admin-auth.decorator';
import { ServiceOrUserAuth } from '../guards/service-or-user-auth.decorator';
import { BillingPeriodsService, PeriodAnswer } from './billing-periods.service';
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
  PeriodParamsDto,
  PeriodQueryDto,
  RestateDto,
  TariffDto,
  TariffListDto,
} from './billing.dto';

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
  constructor(private readonly terms: BillingTermsService) {}

  @Post('tariffs')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tariff, or its next version (same name, later validFrom)' })
  @ApiBody({ type: CreateTariffDto, examples: { standard: { summary: 'Requests billed, GPU memory priced', value: TARIFF_EXAMPLE } } })
  @ApiCreatedResponse({ type: TariffDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid body (the message names the field), or a currency other than the tariff’s' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'validFrom not later than the tariff’s latest version' })
  createTariff(@Body() body: CreateTariffDto, @RequestScope() scope: AccessScope): Promise<TariffDto> {
    return this.terms.createTariff(body, scope);
  }

  @Get('tariffs')
  @ApiOperation({ summary: 'Every version of every tariff' })
  @ApiOkResponse({ type: TariffListDto })
  async tariffs(): Promise<TariffListDto> {
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
  createCostCentre(@Body() body: CreateCostCentreDto, @RequestScope() scope: AccessScope): Promise<CostCentreDto> {
    return this.terms.createCostCentre(body, scope);
  }

  @Get('cost-centres')
  @ApiOperation({ summary: 'Every version of every cost centre' })
  @ApiOkResponse({ type: CostCentreListDto })
  async costCentres(): Promise<CostCentreListDto> {
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
  createAssignment(@Body() body: CreateAssignmentDto, @RequestScope() scope: AccessScope): Promise<AssignmentDto> {
    return this.terms.createAssignment(body, scope);
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
  async importAssignments(@Body() body: ImportAssignmentsDto, @RequestScope() scope: AccessScope): Promise<AssignmentImportDto> {
    return { imported: await this.terms.importAssignments(body.csv, scope) };
  }

  @Get('assignments')
  @ApiOperation({ summary: 'Every assignment, with its history' })
  @ApiOkResponse({ type: AssignmentListDto })
  async assignments(): Promise<AssignmentListDto> {
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
  constructor(private readonly periods: BillingPeriodsService) {}

  @Get()
  @ServiceOrUserAuth()
  @ApiOperation({ summary: 'Closed periods (latest version, hash, late data) and the current month' })
  @ApiOkResponse({ type: BillingPeriodListDto })
  async list(): Promise<BillingPeriodListDto> {
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
  async get(
    @Param() params: PeriodParamsDto,
    @Query() query: PeriodQueryDto,
    @RequestScope() scope: AccessScope,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return sendDocument(reply, await this.periods.get(params.period, scope, query.version));
  }

  @Post(':period/close')
  @HttpCode(201)
  @ServiceOrAdminAuth()
  @ApiOperation({ summary: 'Close an ended month: freeze its invoices as canonical JSON with their SHA-256 (version 1)' })
  @ApiCreatedResponse({ type: BillingPeriodDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Closed already (restate instead), or the month has not ended' })
  async close(@Param() params: PeriodParamsDto, @RequestScope() scope: AccessScope, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return sendDocument(reply, await this.periods.close(params.period, scope));
  }

  @Post(':period/restate')
  @HttpCode(201)
  @ServiceOrAdminAuth()
  @ApiOperation({ summary: 'Restate a closed month: recompute into version n+1, with the reason and the adjustments to version n' })
  @ApiBody({ type: RestateDto, examples: { late: { summary: 'Late samples', value: { reason: 'Late GPU samples of 14–15 October imported after closing' } } } })
  @ApiCreatedResponse({ type: BillingPeriodDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The period is open (close it first)' })
  async restate(@Param() params: PeriodParamsDto, @Body() body: RestateDto, @RequestScope() scope: AccessScope, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return sendDocument(reply, await this.periods.restate(params.period, body.reason, scope));
  }
}
