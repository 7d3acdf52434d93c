/**
 * Test support of the billing library (`@kube-monitoring/billing/testing`): a sample billing
 * period and the FOCUS 1.2 conformance check, for the export specs here and in the API. Not part
 * of the library's API.
 */
export * from './lib/testing/sample-period';
export * from './lib/testing/focus-conformance';
export * from './lib/testing/pdf-text';
