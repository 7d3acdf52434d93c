/** .dockerignore: what it keeps out of the build context, matched as Docker matches it. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from './workspace';

export function dockerignorePatterns(): string[] {
  const f = join(ROOT, '.dockerignore');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

export function excludedByDockerignore(path: string, patterns: string[]): boolean {
  let excluded = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const p = (negate ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    const re = new RegExp(
      `^${p
        .split('/')
        .map((seg) =>
          seg === '**'
            ? '.*'
            : seg
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?')}(?:/.*)?$`,
    );
    if (re.test(path)) excluded = !negate;
  }
  return excluded;
}

export function dockerignoreProblems(): string[] {
  const problems: string[] = [];
  const patterns = dockerignorePatterns();
  if (patterns.length === 0) return ['.dockerignore is missing or empty'];
  for (const p of ['node_modules', 'dist', '.git', 'deploy/k8s/overlays/production/secrets.env', '.env']) {
    if (!excludedByDockerignore(p, patterns)) problems.push(`.dockerignore lets ${p} into the build context`);
  }
  for (const p of ['package.json', 'package-lock.json', 'apps/api/src/main.ts', 'apps/web/src/main.ts', 'libs', 'deploy/web/nginx.conf', 'nx.json', 'tsconfig.base.json']) {
    if (excludedByDockerignore(p, patterns)) problems.push(`.dockerignore excludes ${p}, which the build needs`);
  }
  return problems;
}
