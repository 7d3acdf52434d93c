/** JSON 6902 patches as kustomize applies them (add, replace, remove, test, copy, move). */
import { goJson } from './go-json';
import type { Obj } from './objects';

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`JSON pointer "${path}" must start with /`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function applyJsonPatch(doc: Obj, ops: Obj[]): void {
  const parentOf = (path: string): [Obj, string] => {
    const parts = pointer(path);
    const last = parts.pop();
    if (last === undefined) throw new Error('cannot patch the document root');
    let cur: Obj = doc;
    for (const p of parts) {
      cur = Array.isArray(cur) ? cur[Number(p)] : cur[p];
      if (cur === undefined || cur === null) throw new Error(`path ${path} does not exist`);
    }
    return [cur, last];
  };
  const get = (path: string) =>
    pointer(path).reduce<Obj>((c, p) => {
      const n = Array.isArray(c) ? c[Number(p)] : c?.[p];
      if (n === undefined) throw new Error(`path ${path} does not exist`);
      return n;
    }, doc);
  for (const op of ops) {
    switch (op['op']) {
      case 'add': {
        const [parent, key] = parentOf(op['path']);
        if (Array.isArray(parent)) parent.splice(key === '-' ? parent.length : Number(key), 0, structuredClone(op['value']));
        else parent[key] = structuredClone(op['value']);
        break;
      }
      case 'replace': {
        const [parent, key] = parentOf(op['path']);
        if (!(Array.isArray(parent) ? Number(key) < parent.length : key in parent)) throw new Error(`replace: path ${op['path']} does not exist`);
        parent[key] = structuredClone(op['value']);
        break;
      }
      case 'remove': {
        const [parent, key] = parentOf(op['path']);
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else if (key in parent) delete parent[key];
        else throw new Error(`remove: path ${op['path']} does not exist`);
        break;
      }
      case 'test':
        if (goJson(get(op['path'])) !== goJson(op['value'])) throw new Error(`test failed at ${op['path']}`);
        break;
      case 'copy':
      case 'move': {
        const v = structuredClone(get(op['from']));
        if (op['op'] === 'move') applyJsonPatch(doc, [{ op: 'remove', path: op['from'] }]);
        applyJsonPatch(doc, [{ op: 'add', path: op['path'], value: v }]);
        break;
      }
      default:
        throw new Error(`unknown JSON patch op ${op['op']}`);
    }
  }
}
