/** One set of @nestjs/swagger plugin options for the webpack build and the jest transform. */
module.exports.SWAGGER_PLUGIN_OPTIONS = {
  // JSDoc on DTO fields becomes the field's description (and `@example` its example).
  introspectComments: true,
  dtoFileNameSuffix: ['.dto.ts'],
  // Routes are documented explicitly by their decorators; the plugin only fills in models.
  controllerFileNameSuffix: [],
  classValidatorShim: true,
};
