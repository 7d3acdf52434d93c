/**
 * Comparing the built-in renderer with a real kustomize when one is installed (`kubectl kustomize`
 * or `kustomize build`): Secret data normalised as the API server reads it, and the first difference.
 */
import { spawnSync } from 'node:child_process';

import { goJson } from './go-json';
import type { Obj } from './objects';

/** Secret data as the API server reads it: base64 with line breaks (kubectl's output) joined. */
export function normalizeSecrets(objects: Obj[]): Obj[] {
  for (const o of objects) {
    if (o['kind'] !== 'Secret' || !o['data']) continue;
    for (const k of Object.keys(o['data'])) o['data'][k] = String(o['data'][k]).replace(/\s+/g, '');
  }
  return objects;
}

export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (goJson(a) === goJson(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as Obj), ...Object.keys(b as Obj)]);
    for (const k of [...keys].sort()) {
      const d = firstDifference((a as Obj)[k], (b as Obj)[k], `${path}/${k}`);
      if (d) return d;
    }
  }
  return `${path || '/'}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`;
}

export function findKustomize(): string[] | undefined {
  const kubectl = spawnSync('kubectl', ['kustomize', '--help'], { encoding: 'utf8' });
  if (kubectl.status === 0) return ['kubectl', 'kustomize'];
  const kustomize = spawnSync('kustomize', ['version'], { encoding: 'utf8' });
  if (kustomize.status === 0) return ['kustomize', 'build'];
  return undefined;
}
