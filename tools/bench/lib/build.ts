/**
 * The builds the bench runs: the API (`npx nx build api`, rebuilt when dist/ is missing or older
 * than its sources) and the bench-only Express baseline (webpack, cached the same way). Each run
 * copies the API build into its own directory, so a rebuild by someone else during the bench
 * cannot swap the code under measurement.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { API_INPUTS, isStale } from '../../lib/build-freshness';

export const ROOT = resolve(__dirname, '../../..');
export const API_DIST = join(ROOT, 'dist/apps/api');
export const BENCH_TMP = join(ROOT, 'tmp/bench');
const EXPRESS_OUT = join(BENCH_TMP, 'express-baseline');

function run(command: string, args: string[], what: string, log: (m: string) => void): void {
  log(`building ${what}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(command, args, {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  if (r.status !== 0) throw new Error(`building ${what} failed (exit ${r.status ?? r.signal})`);
  log(`built ${what} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Builds the API when needed, then copies the build to `dest` and returns the main.js to run. */
export function prepareApiBuild(dest: string, log: (m: string) => void): string {
  const main = join(API_DIST, 'main.js');
  const stale = isStale(main, API_INPUTS);
  if (stale) {
    log(`API build out of date (${stale})`);
    run('npx', ['nx', 'build', 'api', '--outputStyle=static', '--skip-nx-cache'], 'the API', log);
  } else {
    log('API build is up to date (dist/apps/api/main.js)');
  }
  mkdirSync(dest, { recursive: true });
  cpSync(API_DIST, dest, { recursive: true });
  return join(dest, 'main.js');
}

/** Builds the Express baseline when its output is missing or older than its sources. */
export function prepareExpressBuild(log: (m: string) => void): string {
  const main = join(EXPRESS_OUT, 'main.js');
  const stale = isStale(main, [...API_INPUTS, 'apps/api/bench/express']);
  if (stale) {
    log(`Express baseline build out of date (${stale})`);
    run('npx', ['webpack', '--config', 'apps/api/bench/express/webpack.config.js'], 'the Express baseline', log);
  } else {
    log('Express baseline build is up to date');
  }
  return main;
}
