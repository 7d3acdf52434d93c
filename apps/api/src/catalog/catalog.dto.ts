import { ApiProperty } from '@nestjs/swagger';

import { MetricInfo, NamespacesResponse } from '@kube-monitoring/contract';

export class MetricInfoDto implements MetricInfo {
  @ApiProperty({ example: 'cpu/usage_rate', description: 'Name used in /api/{metric} and /api/series/{metric}' })
  name!: string;

  @ApiProperty({ example: 'CPU usage on all cores in millicores.' })
  description!: string;

  @ApiProperty({
    example: 'millicores',
    enum: ['millicores', 'nanoseconds', 'bytes', 'megabytes', 'count', 'per_second', 'bytes_per_second', 'ratio', 'milliseconds'],
    description: 'Unit of the values in raw points, aggregations and series',
  })
  unit!: string;

  @ApiProperty({ example: 'gauge', enum: ['gauge', 'counter'], description: 'Gauges are integrated over time; counters are reported as their increase' })
  kind!: 'gauge' | 'counter';

  @ApiProperty({ example: true, description: 'One of the main metrics (cpu/usage_rate, gpu/usage, memory/usage, uptime)' })
  main!: boolean;

  @ApiProperty({ example: true, description: 'Whether the database holds data for this metric' })
  present!: boolean;
}

export class NamespacesResponseDto implements NamespacesResponse {
  @ApiProperty({ type: [String], example: ['cluster-3', 'default', 'kube-system', 'lab-vision'], description: 'Namespaces with data that the caller may see, sorted' })
  namespaces!: string[];
}
