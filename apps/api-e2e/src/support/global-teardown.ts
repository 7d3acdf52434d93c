import type { InfluxHandle } from '../../../../tools/services/influxdb';
import type { ApiProcess } from './api-process';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>)['__KM_E2E__'] as { influx: InfluxHandle; api: ApiProcess } | undefined;
  if (!started) return;
  await started.api.stop();
  await started.influx.stop();
}
