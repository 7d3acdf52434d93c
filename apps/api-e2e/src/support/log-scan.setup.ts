/**
 * After every suite: the logs of every API it started (support/api-process.ts registers them) and of
 * the shared API of the global setup hold no JWT, password hash or password the suites use.
 */
import { assertNoSecretsInLogs, logDir } from '@kube-monitoring/testing';

import { e2eEnv } from './e2e-env';

afterAll(() => {
  const shared = process.env['E2E_LOG_DIR'];
  assertNoSecretsInLogs(shared ? [logDir(shared)] : [], [e2eEnv.password]);
});
