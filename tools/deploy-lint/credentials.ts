/** Only a CHANGE_ME template of the credentials is committed: never secrets.env, never a Secret manifest. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { parseEnvFile } from './kustomize-generators';
import { loadYamlDocs } from './objects';
import { K8S, ROOT, walk } from './workspace';

export function secretTemplateProblems(): string[] {
  const problems: string[] = [];
  const tracked = spawnSync('git', ['ls-files', 'deploy'], { cwd: ROOT, encoding: 'utf8' });
  if (tracked.status === 0) {
    for (const f of tracked.stdout.split('\n').filter(Boolean)) {
      if (/(^|\/)secrets\.env$/.test(f)) problems.push(`${f} is committed: it holds credentials`);
    }
  }
  for (const f of walk(K8S)) {
    if (/\.ya?ml$/.test(f)) {
      for (const o of loadYamlDocs(f))
        if (o['kind'] === 'Secret') problems.push(`${relative(ROOT, f)}: a Secret manifest; credentials come only from secrets.env (secretGenerator)`);
    }
    if (f.endsWith('secrets.env.example')) {
      const pairs = parseEnvFile(readFileSync(f, 'utf8'), f);
      if (pairs.length === 0) problems.push(`${relative(ROOT, f)} is empty`);
      for (const [k, v] of pairs) if (!v.includes('CHANGE_ME')) problems.push(`${relative(ROOT, f)}: ${k} has a value that is not a CHANGE_ME placeholder`);
      const env = Object.fromEntries(pairs);
      if (env['DATABASE_URL'] && env['POSTGRES_PASSWORD']) {
        const u = new URL(env['DATABASE_URL']);
        if (decodeURIComponent(u.password) !== env['POSTGRES_PASSWORD']) problems.push(`${relative(ROOT, f)}: DATABASE_URL's password differs from POSTGRES_PASSWORD`);
      }
      const ignore = join(dirname(f), '.gitignore');
      if (!existsSync(ignore) || !readFileSync(ignore, 'utf8').split('\n').includes('secrets.env')) problems.push(`${relative(ROOT, dirname(f))}/.gitignore must list secrets.env`);
    }
  }
  return problems;
}
