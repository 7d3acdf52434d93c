/**
 * The @nestjs/swagger compiler plugin as a ts-jest AST transformer, so the OpenAPI document the
 * suites generate (docs/openapi.json) sees the same JSDoc-derived metadata as the webpack build.
 */
const plugin = require('@nestjs/swagger/plugin');

const { SWAGGER_PLUGIN_OPTIONS } = require('../swagger-plugin-options.cjs');

module.exports = {
  name: 'nestjs-swagger-plugin',
  version: '1',
  factory: (tsCompiler) => plugin.before(SWAGGER_PLUGIN_OPTIONS, tsCompiler.program),
};
