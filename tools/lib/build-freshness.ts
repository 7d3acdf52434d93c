/**
 * Whether a build is older than its sources, by modification time: the bench and the demo rebuild
 * the API and the dashboard then, so nobody measures or shows code that is no longer in the tree.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** Newest modification time of the sources under these directories (spec files excluded). */
function newestSource(paths: readonly string[]): { mtimeMs: number; file: string } {
  let newest = { mtimeMs: 0, file: '' };
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const entry of readdirSync(path)) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        visit(join(path, entry));
      }
    } else if (!/\.(spec|test)\.ts$/.test(path) && st.mtimeMs > newest.mtimeMs) {
      newest = { mtimeMs: st.mtimeMs, file: path };
    }
  };
  for (const p of paths) visit(join(ROOT, p));
  return newest;
}

/** What the API build is made from. */
export const API_INPUTS = [
  'apps/api/src',
  'apps/api/webpack.config.js',
  'apps/api/tsconfig.app.json',
  'libs/contract/src',
  'libs/influx/src',
  'libs/accounting/src',
  'tsconfig.base.json',
];

/** Why `output` must be built again (missing, or a source newer than it), or undefined when it is fresh. */
export function isStale(output: string, inputs: readonly string[]): string | undefined {
  if (!existsSync(output)) return `${output.replace(`${ROOT}/`, '')} is missing`;
  const newest = newestSource(inputs);
  if (newest.mtimeMs > statSync(output).mtimeMs) return `${newest.file.replace(`${ROOT}/`, '')} is newer than the build`;
  return undefined;
}

/** What the dashboard build is made from. */
export const WEB_INPUTS = ['apps/web/src', 'apps/web/project.json', 'apps/web/tsconfig.app.json', 'libs/contract/src', 'tsconfig.base.json'];
