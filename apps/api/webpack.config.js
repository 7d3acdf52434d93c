const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

const { SWAGGER_PLUGIN_OPTIONS } = require('./swagger-plugin-options.cjs');

module.exports = {
  output: {
    path: join(__dirname, '../../dist/apps/api'),
    clean: true,
    ...(process.env.NODE_ENV !== 'production' && {
      devtoolModuleFilenameTemplate: '[absolute-resource-path]',
    }),
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      // The users CLI ships in the image next to the API, so production needs no TypeScript runtime.
      additionalEntryPoints: [{ entryName: 'cli/users-cli', entryPath: './src/cli/users-cli.ts' }],
      tsConfig: './tsconfig.app.json',
      assets: ['./src/assets'],
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
      // JSDoc on DTO fields becomes their OpenAPI description.
      transformers: [{ name: '@nestjs/swagger/plugin', options: SWAGGER_PLUGIN_OPTIONS }],
    }),
  ],
};
