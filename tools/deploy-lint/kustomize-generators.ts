/**
 * kustomize's ConfigMap and Secret generators: env files, files and literals, the name hash suffix
 * and the Secret's base64 encoding, byte for byte as kustomize v5 writes them.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { goJson } from './go-json';
import type { Obj } from './objects';

export interface Generator {
  name: string;
  files?: string[];
  literals?: string[];
  envs?: string[];
  type?: string;
  [other: string]: unknown;
}

/** kustomize's hash suffix: sha256 of Go's json.Marshal of {data,kind,name,[type]}, 10 chars remapped. */
function kustomizeHash(obj: Obj): string {
  // kustomize (v5) hashes the generated object before it has a name: "name" is empty.
  const m: Obj = { kind: obj['kind'], name: '' };
  if (obj['kind'] === 'Secret') {
    m['type'] = obj['type'];
    m['data'] = obj['data'] ?? {};
  } else {
    m['data'] = obj['data'] ?? {};
    if (obj['binaryData'] && Object.keys(obj['binaryData']).length) m['binaryData'] = obj['binaryData'];
  }
  const hex = createHash('sha256').update(goJson(m)).digest('hex');
  const remap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => remap[c] ?? c).join('');
}

/** kustomize's Secret encoding: base64, broken into 70-character lines once it reaches 70. */
function kustomizeBase64(v: string): string {
  const b = Buffer.from(v).toString('base64');
  if (b.length < 70) return b;
  return b
    .match(/.{1,70}/g)!
    .map((l) => `${l}\n`)
    .join('');
}

/** kustomize's env-file reading (api/kv): KEY=VALUE lines, # comments, value kept verbatim. */
export function parseEnvFile(text: string, file: string): [string, string][] {
  const out: [string, string][] = [];
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
      if (line === '' || line.startsWith('#')) return;
      const eq = line.indexOf('=');
      const key = eq < 0 ? line : line.slice(0, eq);
      if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) throw new Error(`${file}:${i + 1}: invalid key "${key}"`);
      out.push([key, eq < 0 ? (process.env[key] ?? '') : line.slice(eq + 1)]);
    });
  return out;
}

export function generate(kind: 'ConfigMap' | 'Secret', g: Generator, dir: string, namespace: string | undefined): Obj {
  for (const k of Object.keys(g)) {
    if (!['name', 'files', 'literals', 'envs', 'type'].includes(k)) throw new Error(`${kind} generator "${g.name}": field "${k}" is not supported by the built-in renderer`);
  }
  const data: Record<string, string> = {};
  const put = (k: string, v: string) => {
    if (k in data) throw new Error(`${kind} generator "${g.name}": duplicate key ${k}`);
    data[k] = v;
  };
  for (const e of g.envs ?? []) for (const [k, v] of parseEnvFile(readFileSync(join(dir, e), 'utf8'), e)) put(k, v);
  for (const f of g.files ?? []) {
    const eq = f.indexOf('=');
    const [key, path] = eq < 0 ? [basename(f), f] : [f.slice(0, eq), f.slice(eq + 1)];
    put(key, readFileSync(join(dir, path), 'utf8'));
  }
  for (const l of g.literals ?? []) {
    const eq = l.indexOf('=');
    if (eq < 0) throw new Error(`literal "${l}" has no =`);
    let v = l.slice(eq + 1);
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0]) v = v.slice(1, -1);
    put(l.slice(0, eq), v);
  }
  const obj: Obj = { apiVersion: 'v1', kind, metadata: { name: g.name } };
  if (namespace) obj['metadata']['namespace'] = namespace;
  if (kind === 'Secret') {
    obj['type'] = g.type ?? 'Opaque';
    obj['data'] = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, kustomizeBase64(v)]));
  } else {
    obj['data'] = data;
  }
  obj['metadata']['name'] = `${g.name}-${kustomizeHash(obj)}`;
  return obj;
}
