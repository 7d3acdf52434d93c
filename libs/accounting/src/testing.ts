/**
 * Test support of the accounting (`@kube-monitoring/accounting/testing`): in-memory samples, the
 * reference in-memory ledger and a generated cluster, for suites elsewhere that check a real store
 * against them. Not part of the library's API.
 */
export * from './lib/testing/in-memory-samples';
export * from './lib/testing/in-memory-ledger';
export * from './lib/testing/test-cluster';
