import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

import { SeriesGroupBy, SeriesLine, SeriesRequest, SeriesResponse } from '@kube-monitoring/contract';

import { IsFlag, IsInstant, IsIntInRange, IsNamespace } from '../common/validation.decorators';
import { MAX_CHART_POINTS, MAX_REQUESTED_POINTS } from './chart-step';

export const SERIES_GROUP_BY: readonly SeriesGroupBy[] = ['namespace', 'pod', 'container', 'node'];
/** Largest step one may ask for: a year. */
export const MAX_STEP_SECONDS = 366 * 86_400;

/** Body of `POST /api/series/{metric}`; every field optional. */
export class SeriesRequestDto implements Omit<SeriesRequest, 'from' | 'to'> {
  @ApiPropertyOptional({
    example: '2017-12-01T00:00:00Z',
    description: 'Inclusive start (ISO-8601 date or date-time, UTC), from 1970-01-01 to 2262-01-01. Default: 60 minutes before `to`.',
  })
  @IsOptional()
  @IsInstant()
  from?: Date;

  @ApiPropertyOptional({ example: '2017-12-02T00:00:00Z', description: 'Exclusive end, up to 2262-01-01, at most 366 days after `from`. Default: now.' })
  @IsOptional()
  @IsInstant()
  to?: Date;

  @ApiPropertyOptional({
    enum: SERIES_GROUP_BY,
    default: 'namespace',
    description:
      'One line per namespace (the sum of its pods), pod, container, or node (the sum of the selected pods on each node; ' +
      "node-only metrics such as cpu/node_capacity read the nodes' own series, for callers who may see every namespace).",
  })
  @IsOptional()
  @IsIn(SERIES_GROUP_BY, { message: `groupBy: must be one of ${SERIES_GROUP_BY.join(', ')}` })
  groupBy?: SeriesGroupBy;

  @IsNamespace()
  @ApiPropertyOptional({ example: 'lab-vision', description: 'Only this namespace (default: every namespace the caller may see).' })
  @IsOptional()
  namespace?: string;

  @IsIntInRange(1, MAX_STEP_SECONDS)
  @ApiPropertyOptional({
    example: 300,
    description: `Step in seconds. Default: a readable step giving at most ${MAX_CHART_POINTS} points; a requested step may give at most ${MAX_REQUESTED_POINTS}.`,
  })
  @IsOptional()
  step?: number;

  @ApiPropertyOptional({ default: false, description: 'Include `kube-system` when no `namespace` is given.' })
  @IsOptional()
  @IsFlag()
  includeSystem?: boolean;
}

export class SeriesLineDto implements SeriesLine {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { namespace_name: 'lab-vision', pod_name: 'train-resnet-7d9f' },
    description: 'Tags identifying the line (`namespace_name`, `pod_name`, `container_name` or `nodename`)',
  })
  key!: Record<string, string>;

  @ApiProperty({ example: 'lab-vision/train-resnet-7d9f' })
  label!: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number', nullable: true } },
    example: [
      [1512086400000, 2450.5],
      [1512086700000, null],
    ],
    description:
      "`[epoch ms, value]` for every step from `from`: the bucket's time average for gauges (a pod absent for part of it counts as 0), " +
      "the last value for counters, in the metric's unit; null when the bucket has no sample",
  })
  points!: [number, number | null][];
}

export class SeriesResponseDto implements SeriesResponse {
  @ApiProperty({ example: 'cpu/usage_rate' })
  metric!: string;

  @ApiProperty({ example: 'millicores' })
  unit!: string;

  @ApiProperty({ example: '2017-12-01T00:00:00.000Z' })
  from!: string;

  @ApiProperty({ example: '2017-12-02T00:00:00.000Z' })
  to!: string;

  @ApiProperty({ example: 300 })
  step_seconds!: number;

  @ApiProperty({ enum: SERIES_GROUP_BY, example: 'pod' })
  groupBy!: SeriesGroupBy;

  @ApiProperty({ type: [SeriesLineDto] })
  series!: SeriesLineDto[];

  @ApiPropertyOptional({ example: false, description: 'True when there were more lines than the answer holds (narrow the namespace or the grouping)' })
  truncated?: boolean;

  @ApiPropertyOptional({
    example: '2026-12-07T11:59:00.000Z',
    description: "The newest sample's own time: where the data ends (the last point is the mean of the samples its bucket holds, not diluted by time not scraped yet)",
  })
  newest_sample_at?: string;
}
