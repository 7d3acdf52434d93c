// First: the imports below use the workspace path aliases.
import './workspace-aliases';

import { assertNoSecretsInLogs, logDir, memoryLog, type InfluxHandle } from '@kube-monitoring/testing';

import type { ApiProcess } from './api-process';
import { e2eEnv } from './e2e-env';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>)['__KM_E2E__'] as { influx: InfluxHandle; api: ApiProcess } | undefined;
  if (!started) return;
  await started.api.stop();
  await started.influx.stop();
  // The shared API's stdout lives in this process; its files were also scanned after each suite.
  assertNoSecretsInLogs([logDir(started.api.logDir), memoryLog('stdout of the shared API', started.api.fullOutput)], [e2eEnv.password]);
}
