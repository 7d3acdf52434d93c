/**
 * End-to-end suites of the service API: a real InfluxDB (Debian's influxd) and the built API
 * (`node dist/apps/api/main.js`) as separate processes, driven through the typed client generated
 * from docs/openapi.json.
 */
module.exports = {
  displayName: 'api-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  // Fails a suite whose API processes logged a secret (log-secrets.ts of @kube-monitoring/testing).
  setupFilesAfterEnv: ['<rootDir>/src/support/log-scan.setup.ts'],
  testTimeout: 60000,
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
};
