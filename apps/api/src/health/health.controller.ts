import { Controller, Get, HttpCode, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';

import { HealthResponse } from '@kube-monitoring/contract';

import { STORE_PING, StorePing } from '../influx/reader-tokens';
import { ApiErrorDto } from '../openapi/api-error.dto';
import { HealthResponseDto } from './health.dto';
import { READINESS_CHECKS, ReadinessCheck } from './readiness-check';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(STORE_PING) private readonly influx: StorePing,
    @Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = [],
  ) {}

  /** Liveness: the process is up and serving. */
  @Get()
  @ApiOperation({ summary: 'Liveness' })
  @ApiOkResponse({ type: HealthResponseDto })
  live(): HealthResponse {
    return { status: 'ok' };
  }

  /** Readiness: InfluxDB and the user database answer. 503 with the failing checks otherwise. */
  @Get('ready')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: InfluxDB and the user database reachable' })
  @ApiOkResponse({ type: HealthResponseDto })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: 'A dependency is down; the message names it' })
  async ready(): Promise<HealthResponse> {
    const checks: NonNullable<HealthResponse['checks']> = {};
    checks['influxdb'] = (await this.influx.ping()) ? { status: 'up' } : { status: 'down', message: "Can't connect to influxdb" };
    for (const c of this.checks ?? []) {
      const r = await c.check().catch((e: unknown) => ({ up: false, message: e instanceof Error ? e.message : String(e) }));
      checks[c.name] = r.up ? { status: 'up' } : { status: 'down', message: r.message };
    }
    const down = Object.entries(checks).filter(([, v]) => v.status === 'down');
    if (down.length) throw new ServiceUnavailableException(`not ready: ${down.map(([k, v]) => `${k} (${v.message ?? 'down'})`).join(', ')}`);
    return { status: 'ok', checks };
  }
}
