/**
 * Browser suites of the dashboard: playwright-core driving Debian's Chromium against the built API
 * (serving the built SPA at /web), a real InfluxDB seeded with the simulator's demo cluster, and
 * Debian's nginx with the web image's configuration. Screenshots go to test-artifacts/screenshots.
 */
module.exports = {
  displayName: 'web-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  testTimeout: 60000,
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
};
