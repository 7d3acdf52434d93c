import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

import {
  BILLING_BASES,
  BillingBasis,
  REPORT_STEPS,
  ReportStep,
  USAGE_GROUP_BYS,
  UsageFigures,
  UsageGroupBy,
  UsageReport,
  UsageReportRequest,
  UsageReportRow,
  UsageReportStep,
  UsageSource,
} from '@kube-monitoring/contract';

import { IsFlag, IsInstant, IsNamespace } from '../common/validation.decorators';

export const USAGE_GROUP_BY: readonly UsageGroupBy[] = USAGE_GROUP_BYS;
/** More namespaces than this in one request is a mistake, not a report. */
export const MAX_REPORT_NAMESPACES = 1000;

/** Longest `window` text: two date-times with nanoseconds and offsets, and spaces. */
export const MAX_WINDOW_LENGTH = 100;
/** More steps than this in one report is a mistake (e.g. hours over a year), not a report. */
export const MAX_REPORT_STEPS = 1000;

/** Body of `POST /api/usage`. */
export class UsageReportRequestDto implements Omit<UsageReportRequest, 'from' | 'to'> {
  @ApiPropertyOptional({
    example: '2017-12-01',
    description:
      'Inclusive start of the period: ISO-8601 date (00:00 UTC that day) or date-time (UTC unless an offset is given), from 1970-01-01 to 2262-01-01. ' +
      'Required unless `window` is given.',
  })
  @IsOptional()
  @IsInstant()
  from?: Date;

  @ApiPropertyOptional({
    example: '2018-01-01',
    description: 'Exclusive end of the period, same formats as `from`. At most 366 days after `from`. Required unless `window` is given.',
  })
  @IsOptional()
  @IsInstant()
  to?: Date;

  @ApiPropertyOptional({
    example: 'lastmonth',
    maxLength: MAX_WINDOW_LENGTH,
    description:
      'The period by name, instead of `from`/`to`: `today`, `yesterday`, `week` (from Monday), `lastweek`, `month`, `lastmonth` in `BILLING_TIMEZONE` ' +
      '(default UTC; the current ones end now), `<n>h` or `<n>d` (the last n hours or days up to now, e.g. `24h`, `30d`), or two instants `<from>,<to>` ' +
      '(e.g. `2026-11-01T00:00:00+01:00,2026-12-01T00:00:00+01:00`).',
  })
  @IsOptional()
  @MaxLength(MAX_WINDOW_LENGTH, { message: `window: at most ${MAX_WINDOW_LENGTH} characters` })
  @IsString({ message: 'window: must be a string such as "lastmonth", "7d" or "<from>,<to>"' })
  window?: string;

  @ApiPropertyOptional({
    enum: REPORT_STEPS,
    example: '1d',
    description:
      'One set of rows per hour, day, ISO week (from Monday) or month of `BILLING_TIMEZONE` (`steps` in the answer; in CSV one row per step and group, ' +
      `the step's dates first), the first and last step clipped to the period. At most ${MAX_REPORT_STEPS} steps.`,
  })
  @IsOptional()
  @IsIn(REPORT_STEPS, { message: `step: must be one of ${REPORT_STEPS.join(', ')}` })
  step?: ReportStep;

  @ApiPropertyOptional({
    enum: USAGE_GROUP_BY,
    default: 'namespace',
    description:
      'One row per namespace, per pod, or per node: a node row (`node_name`, no `namespace_name`) sums what its pods used and held while on it ' +
      '(a pod that ran on several nodes is split by its samples on each); with `includeIdle`, one `__idle__` row per node.',
  })
  @IsOptional()
  @IsIn(USAGE_GROUP_BY, { message: 'groupBy: must be "namespace", "pod" or "node"' })
  groupBy?: UsageGroupBy;

  @IsNamespace({ each: true })
  @ApiPropertyOptional({
    type: [String],
    example: ['lab-vision', 'course-ml'],
    maxItems: MAX_REPORT_NAMESPACES,
    description: 'Limit the report to these namespaces (default: every namespace the caller may see, `kube-system` left out).',
  })
  // class-validator runs these bottom-up (the list checks, then each entry's); with stopAtFirstError
  // the first failure is the message.
  @IsOptional()
  @ArrayMaxSize(MAX_REPORT_NAMESPACES, { message: `namespaces: at most ${MAX_REPORT_NAMESPACES} names` })
  @IsArray({ message: 'namespaces: must be an array of namespace names' })
  namespaces?: string[];

  @ApiPropertyOptional({ default: false, description: 'Include `kube-system` when `namespaces` is not given.' })
  @IsOptional()
  @IsFlag()
  includeSystem?: boolean;

  @ApiPropertyOptional({
    enum: BILLING_BASES,
    default: 'usage',
    description:
      'What the `billed_*` figures count: `usage`, what the pods used (the default: every existing client gets the same answers), `request`, ' +
      'what they held (requests while they ran), or `max`, the larger of request and usage at each sample (not per period). ' +
      'GPUs bill the devices held (`gpu_hours`) under every basis; GPU memory stays its own figure.',
  })
  @IsOptional()
  @IsIn(BILLING_BASES, { message: `basis: must be one of ${BILLING_BASES.join(', ')}` })
  basis?: BillingBasis;

  @ApiPropertyOptional({
    default: false,
    description:
      'Add the row `namespace_name: "__idle__"`: allocatable − requested core-hours and GiB-hours over every node (kube-system’s requests count as ' +
      'requested), never negative, requests beyond allocatable as `overcommit_*`; after the pods’ rows, not in the totals. With `groupBy: "node"`, ' +
      'one such row per node (`node_name`), of that node’s allocatable and its pods’ requests. Needs access to every namespace (403 otherwise).',
  })
  @IsOptional()
  @IsFlag()
  includeIdle?: boolean;
}

export class UsageFiguresDto implements UsageFigures {
  @ApiProperty({ example: 1234.5, description: 'CPU used: ∫ cores dt over the period, in core-hours' })
  cpu_core_hours!: number;

  @ApiProperty({ example: 1.71, description: 'Mean CPU while the group had data, in cores' })
  cpu_cores_average!: number;

  @ApiProperty({ example: 6.2, description: 'Peak CPU at one sample, in cores (namespaces and totals: peak of the sum of their pods)' })
  cpu_cores_peak!: number;

  @ApiProperty({ example: 5120.25, description: 'Memory held: ∫ GiB dt, in GiB-hours (GiB = 2^30 bytes)' })
  memory_gib_hours!: number;

  @ApiProperty({ example: 7.1, description: 'Mean memory while the group had data, in GiB' })
  memory_gib_average!: number;

  @ApiProperty({ example: 12.4, description: 'Peak memory at one sample, in GiB' })
  memory_gib_peak!: number;

  @ApiProperty({ example: 8000, description: 'GPU memory held: ∫ GB dt, in GB-hours (GB = 10^9 bytes)' })
  gpu_memory_gb_hours!: number;

  @ApiProperty({ example: 11.1, description: 'Mean GPU memory while the group had data, in GB' })
  gpu_memory_gb_average!: number;

  @ApiProperty({ example: 32, description: 'Peak GPU memory at one sample, in GB' })
  gpu_memory_gb_peak!: number;

  @ApiProperty({ example: 0.9986, minimum: 0, maximum: 1, description: 'Fraction of the period for which the group had samples' })
  coverage!: number;

  @ApiProperty({
    example: 2200,
    description: 'CPU held: ∫ requested cores dt while the pods ran, in core-hours (a pod without a CPU request adds 0)',
  })
  cpu_request_core_hours!: number;

  @ApiProperty({ example: 10240, description: 'Memory held: ∫ requested GiB dt while the pods ran, in GiB-hours' })
  memory_request_gib_hours!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.697,
    description: 'cpu_core_hours ÷ cpu_request_core_hours (above 1: the group used more than it requested); null when nothing was requested',
  })
  cpu_efficiency!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 0.891, description: 'memory_gib_hours ÷ memory_request_gib_hours; null when nothing was requested' })
  memory_efficiency!: number | null;

  @ApiProperty({
    example: 744,
    description:
      'GPU devices held × hours while the pods ran: a whole GPU (`nvidia.com/gpu`) counts 1, a MIG slice `nvidia.com/mig-<g>g.<m>gb` g/7, ' +
      'a HAMi share (`nvidia.com/gpucores`, else `nvidia.com/gpumem-percentage`) its fraction of each GPU',
  })
  gpu_hours!: number;

  @ApiProperty({
    example: 1534.213,
    description: 'CPU billed under the basis: `cpu_core_hours` (usage), `cpu_request_core_hours` (request), or max(request, usage) per sample (max), in core-hours',
  })
  billed_cpu_core_hours!: number;

  @ApiProperty({
    example: 9121.5,
    description: 'Memory billed under the basis: `memory_gib_hours` (usage), `memory_request_gib_hours` (request), or max(request, usage) per sample (max), in GiB-hours',
  })
  billed_memory_gib_hours!: number;

  @ApiProperty({ example: 744, description: 'GPUs billed: `gpu_hours` under every basis (the devices held), in GPU-hours' })
  billed_gpu_hours!: number;
}

export class UsageReportRowDto extends UsageFiguresDto implements UsageReportRow {
  @ApiPropertyOptional({ example: 'lab-vision', description: 'The namespace; `__idle__` on idle rows; absent on node rows (`groupBy: "node"`)' })
  namespace_name?: string;

  @ApiPropertyOptional({ example: 'train-resnet-7d9f', description: 'Present when `groupBy` is `pod`' })
  pod_name?: string;

  @ApiPropertyOptional({
    example: 'gpu-node-1',
    description: '`groupBy: "node"`: the node the row’s pods ran on (empty for pods whose node the store does not tell), or whose idle capacity the `__idle__` row gives',
  })
  node_name?: string;

  @ApiPropertyOptional({ example: 14, description: 'Namespace and node rows: number of pods counted' })
  pods?: number;

  @ApiPropertyOptional({ example: 120.5, description: 'The `__idle__` row: requested CPU beyond what the nodes offered, in core-hours' })
  overcommit_cpu_core_hours?: number;

  @ApiPropertyOptional({ example: 0, description: 'The `__idle__` row: requested memory beyond what the nodes offered, in GiB-hours' })
  overcommit_memory_gib_hours?: number;

  @ApiPropertyOptional({ example: 0, description: 'The `__idle__` row, where GPU capacity is known: GPU devices held beyond those offered, in GPU-hours' })
  overcommit_gpu_hours?: number;
}

export class UsageSourceDto implements UsageSource {
  @ApiProperty({ example: '2017-12-01T00:00:00.000Z', description: 'Inclusive start of the part (UTC)' })
  from!: string;

  @ApiProperty({ example: '2017-12-31T00:00:00.000Z', description: 'Exclusive end of the part (UTC)' })
  to!: string;

  @ApiProperty({
    enum: ['ledger', 'live'],
    example: 'ledger',
    description: '`ledger`: rolled hours of the usage ledger (every metric); `live`: computed from the samples in the metrics database now.',
  })
  source!: 'ledger' | 'live';
}

export class UsageReportStepDto implements UsageReportStep {
  @ApiProperty({ example: '2017-12-01T00:00:00.000Z', description: 'Inclusive start of the step (UTC)' })
  from!: string;

  @ApiProperty({ example: '2017-12-02T00:00:00.000Z', description: 'Exclusive end of the step (UTC)' })
  to!: string;

  @ApiProperty({ type: [UsageReportRowDto] })
  rows!: UsageReportRowDto[];

  @ApiProperty({ type: UsageFiguresDto })
  totals!: UsageFiguresDto;
}

export class UsageReportDto implements UsageReport {
  @ApiProperty({ example: '2017-12-01T00:00:00.000Z', description: 'Inclusive start (UTC)' })
  from!: string;

  @ApiProperty({ example: '2018-01-01T00:00:00.000Z', description: 'Exclusive end (UTC)' })
  to!: string;

  @ApiProperty({ enum: USAGE_GROUP_BY, example: 'namespace' })
  groupBy!: UsageGroupBy;

  @ApiProperty({ enum: BILLING_BASES, example: 'usage', description: 'What the `billed_*` figures count' })
  basis!: BillingBasis;

  @ApiProperty({ example: 60, description: 'Sample resolution of cpu/usage_rate, detected from the data or configured (METRICS_RESOLUTION_SECONDS)' })
  step_seconds!: number;

  @ApiProperty({ type: [UsageReportRowDto] })
  rows!: UsageReportRowDto[];

  @ApiProperty({ type: UsageFiguresDto, description: 'Sums over the rows; averages, peaks and coverage of the rows taken together' })
  totals!: UsageFiguresDto;

  @ApiProperty({ type: [UsageSourceDto], description: 'Where the figures of each part of the period came from, tiling [from, to)' })
  sources!: UsageSourceDto[];

  @ApiPropertyOptional({ enum: REPORT_STEPS, example: '1d', description: 'The step asked for; `steps` holds its rows' })
  step?: ReportStep;

  @ApiPropertyOptional({ type: [UsageReportStepDto], description: 'With `step`: the rows and totals of each step, in time order, tiling [from, to)' })
  steps?: UsageReportStepDto[];

  @ApiPropertyOptional({
    type: [String],
    example: ['lab-visoin'],
    description: 'With `namespaces`: those of them with no pod in the period (a typo, or a namespace without data then): a missing namespace is said, not billed as zero',
  })
  namespaces_without_data?: string[];

  @ApiProperty({ example: '2018-01-01T06:00:00.000Z' })
  generated_at!: string;
}
