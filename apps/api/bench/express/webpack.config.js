/**
 * Bench-only build of the Express baseline (`express-main.ts`) the way the API is built (webpack,
 * ts-loader transpiling with decorator metadata, as Nx does for the API; npm packages left
 * external; `npm test` type-checks the source), into
 * tmp/bench/express-baseline/main.js. Run by `npm run bench`; never part of the shipped build.
 */
const { join } = require('path');
const nodeExternals = require('webpack-node-externals');
const { TsconfigPathsPlugin } = require('tsconfig-paths-webpack-plugin');

const root = join(__dirname, '../../../..');
const tsconfig = join(__dirname, 'tsconfig.json');

module.exports = {
  mode: 'none',
  target: 'node',
  context: __dirname,
  entry: { main: './express-main.ts' },
  devtool: false,
  output: {
    path: process.env.BENCH_EXPRESS_OUT || join(root, 'tmp/bench/express-baseline'),
    filename: '[name].js',
    clean: true,
  },
  externalsPresets: { node: true },
  externals: [nodeExternals({ modulesDir: join(root, 'node_modules') })],
  resolve: {
    extensions: ['.ts', '.js'],
    plugins: [new TsconfigPathsPlugin({ configFile: tsconfig })],
  },
  module: {
    rules: [{ test: /\.ts$/, loader: 'ts-loader', options: { configFile: tsconfig, transpileOnly: true } }],
  },
  optimization: { minimize: false },
  stats: 'errors-warnings',
};
