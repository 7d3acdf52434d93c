/**
 * The API container's environment against what apps/api/src/config/app-config.ts reads, and the
 * README's configuration table against the same names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { configMapValues, type Obj } from './objects';
import { ROOT } from './workspace';

const APP_CONFIG = join(ROOT, 'apps/api/src/config/app-config.ts');
/** Parts of the configuration app-config.ts reads through: LDAP sign-in and the providers' group mapping. */
const CONFIG_PARTS = ['ldap-config.ts', 'group-mapping.ts'].map((f) => join(ROOT, 'apps/api/src/config', f));
const CONFIG_DOC = join(ROOT, 'README.md');

/** Names the API reads from the environment, parsed from app-config.ts. */
function apiEnvNames(): { all: Set<string>; required: Set<string> } {
  const src = [APP_CONFIG, ...CONFIG_PARTS.filter((f) => existsSync(f))].map((f) => readFileSync(f, 'utf8')).join('\n');
  const all = new Set<string>();
  const required = new Set<string>();
  for (const m of src.matchAll(/env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)) all.add(m[1]);
  for (const m of src.matchAll(/\b(?:str|int|durationSeconds|bool|list|timeZone|required|attribute|aliased)\(\s*env,\s*['"]([A-Z][A-Z0-9_]*)['"]\s*(\)|,)/g)) {
    all.add(m[1]);
    if (m[2] === ')') required.add(m[1]);
  }
  return { all, required };
}

export function configurationProblems(objects: Obj[]): string[] {
  const problems: string[] = [];
  if (!existsSync(APP_CONFIG)) return [`${relative(ROOT, APP_CONFIG)} not found`];
  const { all, required } = apiEnvNames();
  if (all.size < 10) problems.push(`only ${all.size} variables found in ${relative(ROOT, APP_CONFIG)}: has its shape changed?`);
  const api = objects.find((o) => o['kind'] === 'Deployment' && o['metadata']?.name === 'api');
  const c = api?.['spec']?.template?.spec?.containers?.find((x: Obj) => x.name === 'api');
  if (c) {
    const names = new Set<string>([...Object.keys(configMapValues(objects, c)), ...(c.env ?? []).map((e: Obj) => e.name)]);
    for (const ef of c.envFrom ?? []) {
      const s = objects.find((o) => o['kind'] === 'Secret' && o['metadata'].name === ef.secretRef?.name);
      for (const k of Object.keys(s?.['data'] ?? {})) names.add(k);
    }
    for (const r of [...required, 'JWT_SECRET', 'DATABASE_URL']) if (!names.has(r)) problems.push(`the API container does not set ${r}`);
    // Set for other components from the shared ConfigMap, not read by the API.
    const notForApi = new Set(['INFLUXDB_WRITE_USER']);
    for (const n of names) if (!all.has(n) && !notForApi.has(n)) problems.push(`the API container sets ${n}, which app-config.ts does not read`);
  }
  if (!existsSync(CONFIG_DOC)) problems.push(`${relative(ROOT, CONFIG_DOC)} does not exist`);
  else {
    const doc = readFileSync(CONFIG_DOC, 'utf8');
    for (const n of all) if (!new RegExp(`^\\|\\s*\`${n}\``, 'm').test(doc)) problems.push(`${relative(ROOT, CONFIG_DOC)} has no table row for ${n}`);
  }
  return problems;
}
