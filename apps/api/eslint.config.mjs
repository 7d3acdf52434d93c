import { readdirSync } from 'node:fs';

import baseConfig from '../../eslint.config.mjs';

/**
 * The layers of apps/api/src, lowest first. A folder imports from lower layers and from its own
 * folder; the shared layers may also use a folder of their own layer, but no feature imports
 * another feature. Nothing imports the composition layer or the root files (app.module, main).
 */
const LAYERS = [
  // Settings, pure helpers, and what every endpoint shares: error DTOs, input-rule decorators, the period rule.
  { name: 'foundation', folders: ['config', 'csv', 'common'] },
  // The outside world: logs and error answers, InfluxDB, the user database, Prometheus.
  { name: 'infrastructure', folders: ['logging', 'filters', 'influx', 'database', 'observability'] },
  // Applied to every request: who may call, which namespaces they may read, how much, what is cached,
  // what is recorded (audit: the guards record key use, auth, users and every feature record through it).
  { name: 'request policy', folders: ['access', 'guards', 'limits', 'cache', 'audit'] },
  // Services several features use: user accounts (and their admin endpoints), the usage computation.
  { name: 'shared services', folders: ['users', 'aggregation'] },
  // Login and tokens; the module that provides the JWT guard to the features.
  { name: 'authentication', folders: ['auth'] },
  { name: 'features', folders: ['metrics', 'usage', 'series', 'catalog', 'health', 'ledger', 'mcp', 'api-keys'], isolated: true },
  // Billing stands on two features: it prices what the usage report measures and keeps the ledger's closed hours.
  { name: 'billing', folders: ['billing'] },
  // Wiring the app together.
  { name: 'composition', folders: ['bootstrap', 'openapi', 'cli'], wiresApp: true },
];

const ROOT_FILES = ['app.module', 'main'];

// A new folder must take its place in a layer, or its imports would go unchecked.
const unplaced = readdirSync(new URL('./src', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'assets')
  .map((entry) => entry.name)
  .filter((name) => !LAYERS.some((layer) => layer.folders.includes(name)));
if (unplaced.length > 0) {
  throw new Error(`apps/api/eslint.config.mjs: place ${unplaced.map((n) => `src/${n}/`).join(', ')} in a layer of LAYERS`);
}

/** A relative import of `target` (a top folder or root file of src) from anywhere below src/<folder>. */
function importOf(target) {
  return `^(\\.\\./)+${target.replace('.', '\\.')}(/|$)`;
}

function restrictionsFor(layerIndex, folder) {
  const layer = LAYERS[layerIndex];
  const higher = LAYERS.slice(layerIndex + 1).flatMap((l) => l.folders.map((f) => ({ folder: f, layer: l.name })));
  const siblings = layer.isolated ? layer.folders.filter((f) => f !== folder).map((f) => ({ folder: f, layer: layer.name })) : [];
  return [
    ...[...higher, ...siblings].map((t) => ({
      regex: importOf(t.folder),
      message: `${folder}/ (${layer.name}) may not import ${t.folder}/ (${t.layer}): imports go down the layers listed in apps/api/eslint.config.mjs, and features do not import each other.`,
    })),
    ...(layer.wiresApp ? [] : ROOT_FILES).map((file) => ({
      regex: importOf(file),
      message: `${folder}/ (${layer.name}) may not import ${file}.ts: only the composition layer wires the app.`,
    })),
  ];
}

const layerRules = LAYERS.flatMap((layer, index) =>
  layer.folders.map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    // Specs may wire any part (a DTO spec runs the app's validation pipe).
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: restrictionsFor(index, folder) }],
    },
  })),
);

export default [...baseConfig, ...layerRules];
