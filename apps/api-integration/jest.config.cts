/* Suites against real services (PostgreSQL, SQLite, InfluxDB) started by the suites themselves. */
module.exports = {
  displayName: 'api-integration',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // Fails a suite whose API logged a secret (log-secrets.ts of @kube-monitoring/testing).
  setupFilesAfterEnv: ['<rootDir>/src/log-scan.setup.ts'],
  // Starting a database cluster and spawning CLI processes takes seconds, not milliseconds.
  testTimeout: 60_000,
  coverageDirectory: '../../coverage/apps/api-integration',
};
