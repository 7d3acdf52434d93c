import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class HealthResponseDto {
  @ApiProperty({ enum: ['ok', 'error'], example: 'ok' })
  status!: 'ok' | 'error';

  @ApiPropertyOptional({ example: { influxdb: { status: 'up' }, userDatabase: { status: 'up' } } })
  checks?: Record<string, { status: 'up' | 'down'; message?: string }>;
}
