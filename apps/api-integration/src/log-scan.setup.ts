/** After every suite: the logs of every API it ran hold no JWT, password hash or password it sent. */
import { assertNoSecretsInLogs } from '@kube-monitoring/testing';

afterAll(() => {
  assertNoSecretsInLogs();
});
