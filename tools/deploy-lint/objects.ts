/**
 * Kubernetes objects as plain JSON (what the renderers give), and the small questions every check asks
 * of them: their id, their pod specs and containers, label selectors, the values a container gets from
 * ConfigMaps.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { ROOT } from './workspace';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'CustomResourceDefinition',
  'IngressClass',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
]);

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

export const idOf = (o: Obj) => `${o['kind']}/${o['metadata']?.namespace ? `${o['metadata'].namespace}/` : ''}${o['metadata']?.name}`;

export const get = (o: Obj | undefined, ...path: (string | number)[]): unknown => path.reduce<unknown>((c, p) => (c as Obj | undefined)?.[p as string], o);

/** Every document of a YAML file (empty documents left out). */
export function loadYamlDocs(file: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: Obj[] = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${relative(ROOT, file)}: ${d.errors[0].message}`);
    const v = d.toJS() as Obj | null;
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

/** Pod specs inside an object (workloads, pod templates). */
export function podSpecsOf(obj: Obj): Obj[] {
  switch (obj['kind']) {
    case 'Pod':
      return obj['spec'] ? [obj['spec']] : [];
    case 'CronJob':
      return obj['spec']?.jobTemplate?.spec?.template?.spec ? [obj['spec'].jobTemplate.spec.template.spec] : [];
    default:
      return obj['spec']?.template?.spec ? [obj['spec'].template.spec] : [];
  }
}

export function containersOf(pod: Obj): Obj[] {
  return [...(pod['initContainers'] ?? []), ...(pod['containers'] ?? [])];
}

export function selectorMatches(selector: Obj | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  const ml = (selector['matchLabels'] ?? (selector['matchExpressions'] ? {} : selector)) as Record<string, string>;
  for (const [k, v] of Object.entries(ml)) if (l[k] !== v) return false;
  for (const e of (selector['matchExpressions'] ?? []) as Obj[]) {
    const has = e['key'] in l;
    const v = l[e['key']];
    if (e['operator'] === 'In' && !(has && e['values'].includes(v))) return false;
    if (e['operator'] === 'NotIn' && has && e['values'].includes(v)) return false;
    if (e['operator'] === 'Exists' && !has) return false;
    if (e['operator'] === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Values the container gets from ConfigMaps through envFrom and env (literal env included). */
export function configMapValues(objects: Obj[], c: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ef of c.envFrom ?? []) {
    const cm = objects.find((o) => o['kind'] === 'ConfigMap' && o['metadata'].name === ef.configMapRef?.name);
    Object.assign(out, cm?.['data'] ?? {});
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) out[e.name] = e.value;
    const ref = e.valueFrom?.configMapKeyRef;
    if (ref) {
      const cm = objects.find((o) => o['kind'] === 'ConfigMap' && o['metadata'].name === ref.name);
      if (cm?.['data']?.[ref.key] !== undefined) out[e.name] = cm['data'][ref.key];
    }
  }
  return out;
}
