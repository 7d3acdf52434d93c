/**
 * The subset of kustomize used in deploy/k8s: resources, namespace, configMap/secretGenerator with
 * name hashes and reference rewriting, images, replicas and JSON 6902 patches. A field outside it is
 * an error, never ignored.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { parse as parseYaml } from 'yaml';

import { applyJsonPatch } from './json-patch';
import { generate, type Generator } from './kustomize-generators';
import { CLUSTER_SCOPED, containersOf, loadYamlDocs, podSpecsOf, type Obj } from './objects';
import { ROOT } from './workspace';

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path?: string; patch?: string; target?: Target }[];
  [other: string]: unknown;
}
interface Target {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

const SUPPORTED_KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'configMapGenerator', 'secretGenerator', 'images', 'replicas', 'patches']);

/** Rewrites references to generated ConfigMaps/Secrets (kustomize's nameReference for pods). */
function rewriteNameRefs(objects: Obj[], renamed: { kind: string; from: string; to: string }[]): void {
  const map = (kind: string, name: string | undefined) => renamed.find((r) => r.kind === kind && r.from === name)?.to ?? name;
  for (const obj of objects) {
    for (const pod of podSpecsOf(obj)) {
      for (const v of pod['volumes'] ?? []) {
        if (v.configMap) v.configMap.name = map('ConfigMap', v.configMap.name);
        if (v.secret) v.secret.secretName = map('Secret', v.secret.secretName);
        for (const s of v.projected?.sources ?? []) {
          if (s.configMap) s.configMap.name = map('ConfigMap', s.configMap.name);
          if (s.secret) s.secret.name = map('Secret', s.secret.name);
        }
      }
      for (const c of containersOf(pod)) {
        for (const e of c.env ?? []) {
          if (e.valueFrom?.configMapKeyRef) e.valueFrom.configMapKeyRef.name = map('ConfigMap', e.valueFrom.configMapKeyRef.name);
          if (e.valueFrom?.secretKeyRef) e.valueFrom.secretKeyRef.name = map('Secret', e.valueFrom.secretKeyRef.name);
        }
        for (const e of c.envFrom ?? []) {
          if (e.configMapRef) e.configMapRef.name = map('ConfigMap', e.configMapRef.name);
          if (e.secretRef) e.secretRef.name = map('Secret', e.secretRef.name);
        }
      }
      for (const s of pod['imagePullSecrets'] ?? []) s.name = map('Secret', s.name);
    }
  }
}

function matchesTarget(obj: Obj, t: Target): boolean {
  const [group, version] = String(obj['apiVersion']).includes('/') ? String(obj['apiVersion']).split('/') : ['', obj['apiVersion']];
  const re = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);
  return (
    (t.kind === undefined || re(t.kind, obj['kind'])) &&
    (t.name === undefined || re(t.name, obj['metadata']?.name ?? '')) &&
    (t.namespace === undefined || re(t.namespace, obj['metadata']?.namespace ?? '')) &&
    (t.group === undefined || re(t.group, group)) &&
    (t.version === undefined || re(t.version, version))
  );
}

/** Renders a kustomization directory (the subset of kustomize used in deploy/k8s). */
export function renderKustomization(dir: string): Obj[] {
  const kfile = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => join(dir, f)).find(existsSync);
  if (!kfile) throw new Error(`${dir}: no kustomization.yaml`);
  const k = parseYaml(readFileSync(kfile, 'utf8')) as Kustomization;
  for (const key of Object.keys(k)) {
    if (!SUPPORTED_KUSTOMIZATION_FIELDS.has(key))
      throw new Error(`${relative(ROOT, kfile)}: field "${key}" is not supported by the built-in renderer (extend tools/deploy-lint/kustomize.ts)`);
  }
  let objects: Obj[] = [];
  for (const r of k.resources ?? []) {
    const p = join(dir, r);
    if (!existsSync(p)) throw new Error(`${relative(ROOT, kfile)}: resource ${r} does not exist`);
    objects.push(...(statSync(p).isDirectory() ? renderKustomization(p) : loadYamlDocs(p)));
  }
  const renamed: { kind: string; from: string; to: string }[] = [];
  for (const [kind, gens] of [
    ['ConfigMap', k.configMapGenerator],
    ['Secret', k.secretGenerator],
  ] as const) {
    for (const g of gens ?? []) {
      const obj = generate(kind, g, dir, k.namespace);
      renamed.push({ kind, from: g.name, to: obj['metadata']['name'] });
      objects.push(obj);
    }
  }
  for (const p of k.patches ?? []) {
    const text = p.patch ?? (p.path ? readFileSync(join(dir, p.path), 'utf8') : undefined);
    if (text === undefined) throw new Error('patch without patch/path');
    const ops = parseYaml(text) as Obj[];
    if (!Array.isArray(ops)) throw new Error('only JSON 6902 patches (a YAML list of ops) are supported by the built-in renderer');
    if (!p.target) throw new Error('JSON 6902 patch without target');
    const hits = objects.filter((o) => matchesTarget(o, p.target!));
    if (hits.length === 0) throw new Error(`patch target ${JSON.stringify(p.target)} matches nothing`);
    for (const o of hits) applyJsonPatch(o, ops);
  }
  if (k.namespace) {
    for (const o of objects) {
      if (CLUSTER_SCOPED.has(o['kind'])) {
        for (const s of o['kind'] === 'ClusterRoleBinding' ? (o['subjects'] ?? []) : []) {
          if (s.kind === 'ServiceAccount' && (!s.namespace || s.namespace === 'default')) s.namespace = k.namespace;
        }
        continue;
      }
      o['metadata'] = { ...(o['metadata'] ?? {}), namespace: k.namespace };
      for (const s of o['kind'] === 'RoleBinding' ? (o['subjects'] ?? []) : []) {
        if (s.kind === 'ServiceAccount' && (!s.namespace || s.namespace === 'default')) s.namespace = k.namespace;
      }
    }
  }
  for (const img of k.images ?? []) {
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(visit);
      if (!v || typeof v !== 'object') return;
      const o = v as Obj;
      for (const key of ['containers', 'initContainers']) {
        for (const c of Array.isArray(o[key]) ? o[key] : []) {
          if (typeof c.image !== 'string') continue;
          const m = /^(.*?)(?::([^:/@]+))?(?:@(.+))?$/.exec(c.image)!;
          if (m[1] !== img.name) continue;
          let image = img.newName ?? m[1];
          if (img.digest) image += `@${img.digest}`;
          else if (img.newTag) image += `:${img.newTag}`;
          else if (m[2]) image += `:${m[2]}`;
          c.image = image;
        }
      }
      Object.values(o).forEach(visit);
    };
    visit(objects);
  }
  for (const r of k.replicas ?? []) {
    const hits = objects.filter((o) => ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'].includes(o['kind']) && o['metadata']?.name === r.name);
    for (const o of hits) o['spec'] = { ...(o['spec'] ?? {}), replicas: r.count };
  }
  rewriteNameRefs(objects, renamed);
  objects = objects.map((o) => structuredClone(o));
  return objects;
}
