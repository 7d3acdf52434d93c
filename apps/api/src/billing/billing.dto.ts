import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

import { CURRENCY, MAX_ROUNDING_DECIMALS, PERIOD_PATTERN, PRICE, ROUNDING_MODES, RoundingMode } from '@kube-monitoring/billing';
import { BILLING_BASES, BillingBasis } from '@kube-monitoring/contract';

import { IsInstant, IsIntInRange, IsNamespace } from '../common/validation.decorators';

const PRICE_RULE = 'must be a plain decimal string ≥ 0 with at most 9 decimals, such as "0.021"';
/** A tariff's or cost centre's name or code: what finance systems and URLs carry. */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CODE_RULE = 'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit';
/** A Kubernetes label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export const LABEL_KEY_PATTERN = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A Kubernetes label value: at most 63 characters, alphanumeric at both ends. */
export const LABEL_VALUE_PATTERN = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export class TariffPricesDto {
  @ApiProperty({ example: '0.021', description: 'Per core-hour.' })
  @Matches(PRICE, { message: PRICE_RULE })
  @IsString({ message: 'must be a decimal string such as "0.021" (not a JSON number: prices are exact)' })
  cpu_core_hour!: string;

  @ApiProperty({ example: '0.0029', description: 'Per GiB-hour.' })
  @Matches(PRICE, { message: PRICE_RULE })
  @IsString({ message: 'must be a decimal string such as "0.0029" (not a JSON number: prices are exact)' })
  memory_gib_hour!: string;

  @ApiProperty({ example: '1.35', description: 'Per GPU-hour (devices held: a MIG `<g>g` slice counts g/7, a shared fraction its share).' })
  @Matches(PRICE, { message: PRICE_RULE })
  @IsString({ message: 'must be a decimal string such as "1.35" (not a JSON number: prices are exact)' })
  gpu_hour!: string;

  @ApiPropertyOptional({ example: '0.004', description: 'Per GPU-memory GB-hour; left out: GPU memory is not billed (no line).' })
  @IsOptional()
  @Matches(PRICE, { message: PRICE_RULE })
  @IsString({ message: 'must be a decimal string such as "0.004"' })
  gpu_memory_gb_hour?: string;
}

export class RoundingDto {
  @ApiProperty({ enum: ROUNDING_MODES, example: 'half-up', description: '`half-up`: half away from zero; `half-even`: to the even digit; `down`: toward zero.' })
  @IsIn(ROUNDING_MODES, { message: `must be one of ${ROUNDING_MODES.join(', ')}` })
  mode!: RoundingMode;

  @ApiProperty({ example: 2, minimum: 0, maximum: MAX_ROUNDING_DECIMALS, description: 'Decimals of each line amount.' })
  @Max(MAX_ROUNDING_DECIMALS, { message: `must be an integer from 0 to ${MAX_ROUNDING_DECIMALS}` })
  @Min(0, { message: `must be an integer from 0 to ${MAX_ROUNDING_DECIMALS}` })
  @IsInt({ message: `must be an integer from 0 to ${MAX_ROUNDING_DECIMALS}` })
  decimals!: number;
}

/** Body of `POST /api/billing/tariffs`: a tariff, or its next version (same name, later `validFrom`). */
export class CreateTariffDto {
  @ApiProperty({ example: 'standard', description: `The tariff's name; ${CODE_RULE}.` })
  @Matches(CODE_PATTERN, { message: `name: ${CODE_RULE}` })
  @IsString({ message: 'name: must be a string' })
  name!: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code; every version of a tariff keeps its currency.' })
  @Matches(CURRENCY, { message: 'currency: must be an ISO 4217 code such as "EUR"' })
  @IsString({ message: 'currency: must be a string' })
  currency!: string;

  @ApiProperty({ example: '2026-10-01T00:00:00Z', description: 'From when the version is in force; later than the tariff’s latest version.' })
  @IsInstant()
  validFrom!: Date;

  @ApiProperty({
    enum: BILLING_BASES,
    example: 'request',
    description: 'What CPU and memory lines bill: `usage`, `request`, or `max` (max(request, usage) per sample). GPUs: devices held.',
  })
  @IsIn(BILLING_BASES, { message: `basis: must be one of ${BILLING_BASES.join(', ')}` })
  basis!: BillingBasis;

  @ApiProperty({ type: TariffPricesDto })
  @ValidateNested()
  @Type(() => TariffPricesDto)
  @IsObject({ message: 'prices: must be an object of decimal strings' })
  @IsDefined({ message: 'prices: is required' })
  prices!: TariffPricesDto;

  @ApiProperty({ type: RoundingDto, description: 'How each line amount is rounded (totals are the sums of the rounded lines).' })
  @ValidateNested()
  @Type(() => RoundingDto)
  @IsObject({ message: 'rounding: must be an object {mode, decimals}' })
  @IsDefined({ message: 'rounding: is required' })
  rounding!: RoundingDto;
}

export class TariffDto {
  @ApiProperty({ example: 'standard' }) name!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: '2026-10-01T00:00:00.000Z' }) validFrom!: string;
  @ApiProperty({ enum: BILLING_BASES, example: 'request' }) basis!: BillingBasis;
  @ApiProperty({ type: TariffPricesDto }) prices!: TariffPricesDto;
  @ApiProperty({ type: RoundingDto }) rounding!: RoundingDto;
  @ApiProperty({ example: '2026-09-28T08:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: 'admin' }) createdBy!: string;
}

export class TariffListDto {
  @ApiProperty({ type: [TariffDto], description: 'Every version of every tariff, by name then validFrom.' })
  tariffs!: TariffDto[];
}

/** Body of `POST /api/billing/cost-centres`. */
export class CreateCostCentreDto {
  @ApiProperty({ example: 'F4521-INFO', description: `The finance system's account (e.g. a SIFAC cost centre); ${CODE_RULE}.` })
  @Matches(CODE_PATTERN, { message: `code: ${CODE_RULE}` })
  @IsString({ message: 'code: must be a string' })
  code!: string;

  @ApiProperty({ example: 'Computer vision lab' })
  @Length(1, 200, { message: 'name: must be 1 to 200 characters' })
  @IsString({ message: 'name: must be a string' })
  name!: string;

  @ApiProperty({ example: 'standard', description: 'The name of the tariff that prices it.' })
  @Matches(CODE_PATTERN, { message: `tariff: ${CODE_RULE}` })
  @IsString({ message: 'tariff: must be a string' })
  tariff!: string;

  @ApiPropertyOptional({ example: 'pi-vision@example.org', description: 'The PI or contact for its invoices.' })
  @IsOptional()
  @MaxLength(200, { message: 'contact: must be at most 200 characters' })
  @IsString({ message: 'contact: must be a string' })
  contact?: string;

  @ApiPropertyOptional({
    example: '2026-11-01T00:00:00Z',
    description: 'From when this version is in force: the first version is in force from the beginning when left out; a later version needs it, later than the latest.',
  })
  @IsOptional()
  @IsInstant()
  validFrom?: Date;
}

export class CostCentreDto {
  @ApiProperty({ example: 'F4521-INFO' }) code!: string;
  @ApiProperty({ example: 'Computer vision lab' }) name!: string;
  @ApiProperty({ example: 'standard' }) tariff!: string;
  @ApiProperty({ type: String, nullable: true, example: 'pi-vision@example.org' }) contact!: string | null;
  @ApiProperty({ example: '1970-01-01T00:00:00.000Z' }) validFrom!: string;
  @ApiProperty({ example: '2026-09-28T08:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: 'admin' }) createdBy!: string;
}

export class CostCentreListDto {
  @ApiProperty({ type: [CostCentreDto], description: 'Every version of every cost centre, by code then validFrom.' })
  costCentres!: CostCentreDto[];
}

/** Body of `POST /api/billing/assignments`: a namespace, or a pod label value, to a cost centre from `validFrom` on. */
export class CreateAssignmentDto {
  @ApiProperty({ example: 'F4521-INFO', description: 'The cost centre code, or `__unassigned__` to end an assignment.' })
  @Matches(/^(__unassigned__|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/, { message: `costCentre: ${CODE_RULE}, or "__unassigned__"` })
  @IsString({ message: 'costCentre: must be a string' })
  costCentre!: string;

  @ApiPropertyOptional({ example: 'lab-vision', description: 'The namespace assigned; or give `label` and `value` instead.' })
  @IsOptional()
  @IsNamespace()
  namespace?: string;

  @ApiPropertyOptional({ example: 'team', description: 'A pod label key: the pods whose label has `value` are assigned (before their namespace’s assignment).' })
  @IsOptional()
  @Matches(LABEL_KEY_PATTERN, { message: 'label: must be a Kubernetes label key such as "team" or "example.org/project"' })
  @MaxLength(317, { message: 'label: must be at most 317 characters' })
  @IsString({ message: 'label: must be a string' })
  label?: string;

  @ApiPropertyOptional({ example: 'vision', description: 'The label value (with `label`).' })
  @IsOptional()
  @Matches(LABEL_VALUE_PATTERN, { message: 'value: must be a Kubernetes label value (at most 63 letters, digits, "-", "_" or ".")' })
  @IsString({ message: 'value: must be a string' })
  value?: string;

  @ApiProperty({ example: '2026-10-15T00:00:00Z', description: 'From when it is in force: a namespace moved mid-month is split at this instant.' })
  @IsInstant()
  validFrom!: Date;
}

export class AssignmentDto {
  @ApiProperty({ example: 'F4521-INFO' }) costCentre!: string;
  @ApiPropertyOptional({ example: 'lab-vision' }) namespace?: string;
  @ApiPropertyOptional({ example: 'team' }) label?: string;
  @ApiPropertyOptional({ example: 'vision' }) value?: string;
  @ApiProperty({ example: '2026-10-15T00:00:00.000Z' }) validFrom!: string;
  @ApiProperty({ example: '2026-10-14T16:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: 'admin' }) createdBy!: string;
}

export class AssignmentListDto {
  @ApiProperty({ type: [AssignmentDto], description: 'Every assignment, by namespace or label then validFrom.' })
  assignments!: AssignmentDto[];
}

export class AssignmentImportDto {
  @ApiProperty({ example: 12, description: 'Assignments added (all rows, or none when one is wrong).' })
  imported!: number;
}

/** Path parameter of the period endpoints. */
export class PeriodParamsDto {
  @ApiProperty({ example: '2026-10', description: 'A calendar month of BILLING_TIMEZONE, `YYYY-MM`.' })
  @Matches(PERIOD_PATTERN, { message: 'period: must be a month YYYY-MM such as 2026-10' })
  @IsString({ message: 'period: must be a string' })
  period!: string;
}

export class PeriodQueryDto {
  @ApiPropertyOptional({ example: 1, description: 'A closed period’s version (default: the latest).' })
  @IsOptional()
  @IsIntInRange(1, 1_000_000)
  version?: number;
}

export class RestateDto {
  @ApiProperty({ example: 'Late GPU samples of 14–15 October imported after closing', description: 'Why the period is restated (kept with the version).' })
  @Length(3, 2000, { message: 'reason: must be 3 to 2000 characters' })
  @IsString({ message: 'reason: must be a string' })
  reason!: string;
}

export class LineLabelDto {
  @ApiProperty({ example: 'app' }) key!: string;
  @ApiProperty({ example: 'jupyter' }) value!: string;
}

export class InvoiceLineDto {
  @ApiProperty({ example: 'lab-vision' }) namespace!: string;
  @ApiProperty({ enum: ['cpu', 'memory', 'gpu', 'gpu_memory'], example: 'cpu' }) resource!: string;
  @ApiProperty({ example: '1344.000000', description: 'In `unit`, 6 decimals, under the line’s basis (a decimal string).' }) quantity!: string;
  @ApiProperty({ enum: ['core-hour', 'GiB-hour', 'GPU-hour', 'GB-hour'], example: 'core-hour' }) unit!: string;
  @ApiProperty({ enum: BILLING_BASES, example: 'request' }) basis!: BillingBasis;
  @ApiProperty({ type: String, nullable: true, example: '0.02', description: 'null on the unpriced `__unassigned__` invoice.' }) unitPrice!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '26.88', description: 'quantity × unitPrice, rounded by the tariff’s rule.' }) amount!: string | null;
  @ApiProperty({ example: '0.9983', description: 'Fraction of [from, to) in which the namespace had samples.' }) coverage!: string;
  @ApiProperty({ example: '2026-10-01T00:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-10-15T00:00:00.000Z' }) to!: string;
  @ApiProperty({ type: String, nullable: true, example: 'standard' }) tariff!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-01-01T00:00:00.000Z', description: 'The tariff version (its validFrom).' }) tariffValidFrom!: string | null;
  @ApiPropertyOptional({ type: LineLabelDto, description: 'Assigned by this pod label rather than by namespace.' }) label?: LineLabelDto;
}

export class InvoiceDto {
  @ApiProperty({ example: 'F4521-INFO', description: 'Cost centre code, or `__unassigned__`.' }) costCentre!: string;
  @ApiProperty({ example: 'Computer vision lab' }) costCentreName!: string;
  @ApiProperty({ type: String, nullable: true, example: 'pi-vision@example.org' }) contact!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'EUR' }) currency!: string | null;
  @ApiProperty({ enum: [...BILLING_BASES, 'mixed'], example: 'request' }) basis!: string;
  @ApiProperty({ type: [InvoiceLineDto] }) lines!: InvoiceLineDto[];
  @ApiProperty({ type: String, nullable: true, example: '412.37', description: 'Sum of the line amounts.' }) total!: string | null;
}

export class InvoiceAdjustmentDto {
  @ApiProperty({ example: 'F4521-INFO' }) costCentre!: string;
  @ApiProperty({ example: 'lab-vision' }) namespace!: string;
  @ApiProperty({ example: 'gpu' }) resource!: string;
  @ApiProperty({ example: 'GPU-hour' }) unit!: string;
  @ApiProperty({ type: String, nullable: true, example: 'EUR' }) currency!: string | null;
  @ApiProperty({ example: '3.500000', description: 'This version’s quantity minus the version before’s.' }) quantity!: string;
  @ApiProperty({ type: String, nullable: true, example: '4.73' }) amount!: string | null;
}

export class RestatedVersionDto {
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ example: 'c0ffee…' }) sha256!: string;
}

/** `GET /api/billing/periods/{period}`. */
export class BillingPeriodDto {
  @ApiProperty({ example: '2026-10' }) period!: string;
  @ApiProperty({ example: '2026-10-01T00:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-11-01T00:00:00.000Z' }) to!: string;
  @ApiProperty({ example: 'UTC' }) timeZone!: string;
  @ApiProperty({ enum: ['open', 'closed'], example: 'closed' }) status!: string;
  @ApiProperty({ example: 1, description: '0 while open and never closed; 1 once closed; n+1 per restatement.' }) version!: number;
  @ApiProperty({ type: String, nullable: true, example: '9f2b…', description: 'SHA-256 (hex) of the canonical JSON of this document without `sha256`; null while open.' })
  sha256!: string | null;
  @ApiProperty({ type: [InvoiceDto] }) invoices!: InvoiceDto[];
  @ApiProperty({ example: '2026-11-02T09:00:00.000Z' }) generatedAt!: string;
  @ApiPropertyOptional({ example: 'Late GPU samples imported' }) reason?: string;
  @ApiPropertyOptional({ type: RestatedVersionDto }) restates?: RestatedVersionDto;
  @ApiPropertyOptional({ type: [InvoiceAdjustmentDto], description: 'A restatement: this version − the one before.' }) adjustments?: InvoiceAdjustmentDto[];
  @ApiPropertyOptional({ example: 'admin' }) closedBy?: string;
  @ApiPropertyOptional({ description: 'Only for a caller limited to some namespaces: the lines of theirs, totals over them.' }) partial?: boolean;
}

export class BillingPeriodSummaryDto {
  @ApiProperty({ example: '2026-10' }) period!: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: string;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ type: String, nullable: true }) sha256!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-10-14T13:00:00.000Z',
    description: 'The first hour of the period whose samples changed after it was closed: a hint to restate.',
  })
  lateDataSince!: string | null;
}

export class BillingPeriodListDto {
  @ApiProperty({ type: [BillingPeriodSummaryDto], description: 'Every closed period, and the current month (open).' })
  periods!: BillingPeriodSummaryDto[];
}

/** Body of `POST /api/billing/assignments/import`: the CSV (a `text/csv` body arrives here as `csv`). */
export class ImportAssignmentsDto {
  @ApiProperty({
    description: 'RFC 4180 CSV: header `costCentre,namespace,label,value,validFrom`, one assignment per row.',
    example: 'costCentre,namespace,validFrom\nF4521-INFO,lab-vision,2026-10-01\n',
  })
  @MaxLength(1_000_000, { message: 'csv: at most 1 MB' })
  @IsString({ message: 'csv: must be the CSV text' })
  @IsDefined({ message: 'csv: is required (send the file as text/csv, or JSON {"csv": "…"})' })
  csv!: string;
}

export const INVOICE_CSV_FORMATS = ['invoice', 'focus', 'adjustments'] as const;
export type InvoiceCsvFormat = (typeof INVOICE_CSV_FORMATS)[number];

export class InvoicesCsvQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({
    enum: INVOICE_CSV_FORMATS,
    example: 'focus',
    description: '`invoice` (default): one row per line, the columns of docs/billing-exports.md; `focus`: FOCUS 1.2 columns; `adjustments`: a restatement’s adjustment lines.',
  })
  @IsOptional()
  @IsIn(INVOICE_CSV_FORMATS, { message: `format: must be one of ${INVOICE_CSV_FORMATS.join(', ')}` })
  format?: InvoiceCsvFormat;
}

export class InvoicePdfParamsDto extends PeriodParamsDto {
  @ApiProperty({ example: 'F4521-INFO.pdf', description: 'The cost centre code (or `__unassigned__`) and `.pdf`.' })
  @Matches(/^(__unassigned__|[A-Za-z0-9][A-Za-z0-9._-]{0,63})\.pdf$/, { message: 'file: must be <costCentre>.pdf, such as F4521-INFO.pdf' })
  @IsString({ message: 'file: must be a string' })
  file!: string;
}
