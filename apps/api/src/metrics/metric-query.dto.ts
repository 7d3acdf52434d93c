import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

import { AGGREGATIONS } from '@kube-monitoring/contract';

import { IsInstant, IsIntInRange, IsNamespace } from '../common/validation.decorators';

/** Body of `POST /api/{metric}`: the original system's fields and defaults. */
export class MetricQueryDto {
  /** Kubernetes namespace to read (ignored by `all-namespace` and `all-pod`); `default` unless the caller may not read it (a viewer, a key): then the first of theirs by name. */
  @IsNamespace()
  @ApiPropertyOptional({ default: 'default', example: 'cluster-3' })
  @IsOptional()
  namespace?: string;

  /** Number of data points returned without aggregation; numeric strings are accepted. Ignored by aggregations. */
  @IsIntInRange(1, 10000)
  @ApiPropertyOptional({ default: 100, example: 100, oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\d+$' }] })
  @IsOptional()
  limit?: number;

  /**
   * Aggregation: `pod-by-namespace` (pods of `namespace`), `all-namespace` (one row per namespace),
   * `all-pod` (one row per pod). Any other value, or none, returns raw points.
   */
  @ApiPropertyOptional({ example: 'pod-by-namespace', description: `One of ${AGGREGATIONS.join(', ')}; anything else returns raw points.`, maxLength: 64 })
  @IsOptional()
  // class-validator checks the decorator nearest the field first and stops there: the type check goes last.
  @MaxLength(64, { message: 'agg: must be at most 64 characters' })
  @IsString({ message: 'agg: must be a string' })
  agg?: string;

  /** Inclusive start: ISO-8601 date (00:00 UTC) or date-time (UTC unless an offset is given). Default: 60 minutes before now. */
  @ApiPropertyOptional({ example: '2017-12-01', description: 'Inclusive start (ISO-8601 date or date-time, UTC), from 1970-01-01 to 2262-01-01. Default: now − 60 min.' })
  @IsOptional()
  @IsInstant()
  timeBeginInterval?: Date;

  /** Exclusive end. Default: now. */
  @ApiPropertyOptional({
    example: '2017-12-31',
    description: 'Exclusive end (ISO-8601 date or date-time, UTC), up to 2262-01-01. Default: now. An aggregation covers at most 366 days.',
  })
  @IsOptional()
  @IsInstant()
  timeEndInterval?: Date;
}

/** One raw sample with every tag of its series. */
export class RawPointDto {
  @ApiProperty({ example: '2017-12-01T10:00:00.000Z' })
  time!: string;

  @ApiProperty({ example: 250, description: "Sample value in the metric's unit (see GET /api/metrics)" })
  value!: number;

  @ApiPropertyOptional({ example: 'cluster-3' })
  namespace_name?: string;

  @ApiPropertyOptional({ example: 'train-7d9f' })
  pod_name?: string;

  @ApiPropertyOptional({ example: 'worker' })
  container_name?: string;

  @ApiPropertyOptional({ example: 'node-1' })
  nodename?: string;

  @ApiPropertyOptional({ example: 'pod_container', description: 'Series level: pod_container, pod, ns, node, sys_container, cluster' })
  type?: string;
}

/** One aggregation row. */
export class AggregationRowDto {
  @ApiProperty({ example: 'cluster-3' })
  namespace_name!: string;

  @ApiPropertyOptional({ example: 'train-7d9f', description: 'Present for pod aggregations' })
  pod_name?: string;

  @ApiProperty({ example: 1234567, description: "The original system's figure: plain sum of the samples (compatibility only, not a usage figure)" })
  sum!: number;

  @ApiProperty({ example: 20576.1, description: 'Gauges: time integral in unit·hours (e.g. millicore-hours). Counters: increase over the period, in the unit.' })
  usage!: number;

  @ApiProperty({ example: 'millicore-hours' })
  usage_unit!: string;

  @ApiProperty({ example: 857.3, description: 'Time-weighted mean over the time with data, in `unit`' })
  average!: number;

  @ApiProperty({ example: 3400, description: 'Peak sample (namespaces: peak of the namespace total), in `unit`' })
  max!: number;

  @ApiProperty({ example: 1440, description: 'Samples read, each pod counted once' })
  samples!: number;

  @ApiProperty({ example: 'millicores' })
  unit!: string;
}
