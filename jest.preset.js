const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  // ESM-only packages pulled in by @fastify/static must be transpiled for jest's CommonJS runtime.
  transformIgnorePatterns: ['node_modules/(?!(content-disposition)/)'],
};
