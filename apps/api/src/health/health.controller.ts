import { Controller, Get, HttpCode, Inject, Logger, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';

import { HealthResponse } from '@kube-monitoring/contract';

import { ApiErrorDto } from '../common/api-error.dto';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { STORE_PING, StorePing } from '../influx/reader-tokens';
import { HealthResponseDto } from './health.dto';
import { READINESS_CHECKS, ReadinessCheck } from './readiness-check';

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('readiness');

  constructor(
    @Inject(STORE_PING) private readonly influx: StorePing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = [],
  ) {}

  /** Liveness: the process is up and serving. */
  @Get()
  @ApiOperation({ summary: 'Liveness' })
  @ApiOkResponse({ type: HealthResponseDto })
  live(): HealthResponse {
    return { status: 'ok' };
  }

  /**
   * Readiness: InfluxDB and the user database answer. 503 with the failing checks otherwise. Anyone
   * may ask, so the answer names what is down, never its address; the reason goes to the log.
   */
  @Get('ready')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: InfluxDB and the user database reachable' })
  @ApiOkResponse({ type: HealthResponseDto })
  @ApiServiceUnavailableResponse({
    type: ApiErrorDto,
    description: 'A dependency is down; the message names it (`InfluxDB unreachable`, `user database unreachable`), not its address',
  })
  async ready(): Promise<HealthResponse> {
    const checks: NonNullable<HealthResponse['checks']> = {};
    const { host, port, database } = this.config.influx;
    checks['influxdb'] = (await this.influx.ping())
      ? { status: 'up' }
      : this.down('influxdb', 'InfluxDB unreachable', `no answer to a ping from ${host}:${port} (database ${database})`);
    for (const c of this.checks ?? []) {
      const r = await c.check().catch((e: unknown) => ({ up: false, message: e instanceof Error ? e.message : String(e) }));
      checks[c.name] = r.up ? { status: 'up' } : this.down(c.name, c.downMessage, r.message);
    }
    const down = Object.entries(checks).filter(([, v]) => v.status === 'down');
    if (down.length) throw new ServiceUnavailableException(`not ready: ${down.map(([k, v]) => `${k} (${v.message ?? 'down'})`).join(', ')}`);
    return { status: 'ok', checks };
  }

  private down(name: string, message: string, detail: string | undefined): { status: 'down'; message: string } {
    this.logger.warn(`not ready: ${name}: ${detail ?? message}`);
    return { status: 'down', message };
  }
}
