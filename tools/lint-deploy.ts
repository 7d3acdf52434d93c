/**
 * Offline checks of the deployment: deploy/k8s (kustomize), deploy/web (nginx),
 * Dockerfile.api, Dockerfile.web and .dockerignore. No network: everything runs locally.
 *
 *   npm run lint:deploy            (= npx tsx tools/lint-deploy.ts)
 *   npx tsx tools/lint-deploy.ts --no-influx   skip the dashboard-query check (needs InfluxDB)
 *
 * What it does, in order:
 *  1. Renders every kustomization (the base and each overlay) with a built-in renderer for
 *     the subset of kustomize used here (resources, namespace, configMap/secretGenerator with
 *     name hashes and reference rewriting, images, replicas, JSON 6902 patches). When a
 *     kustomize is available (`kubectl kustomize`), it renders too and both outputs must be
 *     identical; its output is then the one checked. Overlays are rendered from a copy of
 *     deploy/ in which secrets.env is the committed secrets.env.example.
 *  2. Validates every rendered object against the Kubernetes OpenAPI schema
 *     (npm `kubernetes-models`, ajv), and rejects unknown fields by type-checking the
 *     objects with TypeScript against `kubernetes-types` (excess-property check).
 *  3. Checks the project's rules: restricted pod security (non-root, read-only root
 *     filesystem, no privilege escalation, capabilities dropped, seccomp), resources,
 *     pinned images, the API Deployment (replicas >= 2, /api/health/ready and /api/health
 *     probes, logs volume, PostgreSQL from the Secret), every reference (ConfigMaps,
 *     Secrets and their keys, Services, ports, Ingress backends, NetworkPolicy selectors,
 *     RBAC), InfluxDB's volume and NetworkPolicy, the Secret template holding no secret,
 *     the API's environment against apps/api/src/config/app-config.ts and
 *     README.md (Configuration).
 *  4. Telegraf: parses telegraf.conf (TOML) and checks it writes exactly the names the API
 *     reads (every catalog metric's measurement, field and tags of libs/influx's Telegraf
 *     sources, through each input's filters; tools/telegraf-schema-check.ts), every 60 s, to
 *     the in-cluster InfluxDB, with every ${VAR} it uses defined.
 *  5. Grafana: provisioning files, and every dashboard query run on a real InfluxDB
 *     (Debian's influxdb, installed with apt-get when missing) holding points in the
 *     shapes Telegraf, dcgm-exporter and Heapster write.
 *  6. nginx: `nginx -t` on deploy/web (Debian's nginx, installed when missing).
 *  7. Dockerfiles: dockerfile-utils' linter plus the project's rules (pinned bases,
 *     npm ci, production-only dependencies, non-root USER, HEALTHCHECK, logs directory,
 *     COPY sources present and not excluded by .dockerignore).
 * Prints one line per check, the problems under it, and "N passed, N failed"; exits 1 on
 * any problem.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';

import { validate as validateDockerfile } from 'dockerfile-utils';
import { parse as parseToml } from 'smol-toml';
import ts from 'typescript';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

import { startInfluxDb } from './services/influxdb';
import { telegrafSchemaProblems } from './telegraf-schema-check';
import { ensureNginx, relocateMainConfig, renderSiteTemplate } from './test-nginx';

const ROOT = resolve(__dirname, '..');
const DEPLOY = join(ROOT, 'deploy');
const K8S = join(DEPLOY, 'k8s');
const APP_CONFIG = join(ROOT, 'apps/api/src/config/app-config.ts');
const CONFIG_DOC = join(ROOT, 'README.md');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

// ============================================================== reporting

let passed = 0;
let failed = 0;

function report(name: string, problems: string[]): void {
  if (problems.length === 0) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}`);
    for (const p of problems) console.log(`    ${p.replace(/\n/g, '\n    ')}`);
  }
}

async function group(name: string, fn: () => string[] | Promise<string[]>): Promise<void> {
  try {
    report(name, await fn());
  } catch (error) {
    report(name, [`could not run: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

const note = (s: string) => console.log(`# ${s}`);

// ============================================================== kustomize subset

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
interface Generator {
  name: string;
  files?: string[];
  literals?: string[];
  envs?: string[];
  type?: string;
  [other: string]: unknown;
}
interface Target {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

const SUPPORTED_KUSTOMIZATION_FIELDS = new Set([
  'apiVersion', 'kind', 'namespace', 'resources', 'configMapGenerator', 'secretGenerator', 'images', 'replicas', 'patches',
]);

const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition',
  'IngressClass', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService',
]);

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

function loadYamlDocs(file: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: Obj[] = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${relative(ROOT, file)}: ${d.errors[0].message}`);
    const v = d.toJS() as Obj | null;
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

/** kustomize's hash suffix: sha256 of Go's json.Marshal of {data,kind,name,[type]}, 10 chars remapped. */
function goJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const o = v as Obj;
  return `{${Object.keys(o).sort().map((k) => `${goJson(k)}:${goJson(o[k])}`).join(',')}}`;
}

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
  return b.match(/.{1,70}/g)!.map((l) => `${l}\n`).join('');
}

/** kustomize's env-file reading (api/kv): KEY=VALUE lines, # comments, value kept verbatim. */
function parseEnvFile(text: string, file: string): [string, string][] {
  const out: [string, string][] = [];
  text.replace(/^\uFEFF/, '').split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) throw new Error(`${file}:${i + 1}: invalid key "${key}"`);
    out.push([key, eq < 0 ? (process.env[key] ?? '') : line.slice(eq + 1)]);
  });
  return out;
}

function generate(kind: 'ConfigMap' | 'Secret', g: Generator, dir: string, namespace: string | undefined): Obj {
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

/** Pod specs inside an object (workloads, pod templates). */
function podSpecsOf(obj: Obj): Obj[] {
  switch (obj['kind']) {
    case 'Pod':
      return obj['spec'] ? [obj['spec']] : [];
    case 'CronJob':
      return obj['spec']?.jobTemplate?.spec?.template?.spec ? [obj['spec'].jobTemplate.spec.template.spec] : [];
    default:
      return obj['spec']?.template?.spec ? [obj['spec'].template.spec] : [];
  }
}

function containersOf(pod: Obj): Obj[] {
  return [...(pod['initContainers'] ?? []), ...(pod['containers'] ?? [])];
}

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

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`JSON pointer "${path}" must start with /`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyJsonPatch(doc: Obj, ops: Obj[]): void {
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
  const get = (path: string) => pointer(path).reduce<Obj>((c, p) => {
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
    if (!SUPPORTED_KUSTOMIZATION_FIELDS.has(key)) throw new Error(`${relative(ROOT, kfile)}: field "${key}" is not supported by the built-in renderer (extend tools/lint-deploy.ts)`);
  }
  let objects: Obj[] = [];
  for (const r of k.resources ?? []) {
    const p = join(dir, r);
    if (!existsSync(p)) throw new Error(`${relative(ROOT, kfile)}: resource ${r} does not exist`);
    objects.push(...(statSync(p).isDirectory() ? renderKustomization(p) : loadYamlDocs(p)));
  }
  const renamed: { kind: string; from: string; to: string }[] = [];
  for (const [kind, gens] of [['ConfigMap', k.configMapGenerator], ['Secret', k.secretGenerator]] as const) {
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

/** Secret data as the API server reads it: base64 with line breaks (kubectl's output) joined. */
function normalizeSecrets(objects: Obj[]): Obj[] {
  for (const o of objects) {
    if (o['kind'] !== 'Secret' || !o['data']) continue;
    for (const k of Object.keys(o['data'])) o['data'][k] = String(o['data'][k]).replace(/\s+/g, '');
  }
  return objects;
}

const idOf = (o: Obj) => `${o['kind']}/${o['metadata']?.namespace ? `${o['metadata'].namespace}/` : ''}${o['metadata']?.name}`;

function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
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

function findKustomize(): string[] | undefined {
  const kubectl = spawnSync('kubectl', ['kustomize', '--help'], { encoding: 'utf8' });
  if (kubectl.status === 0) return ['kubectl', 'kustomize'];
  const kustomize = spawnSync('kustomize', ['version'], { encoding: 'utf8' });
  if (kustomize.status === 0) return ['kustomize', 'build'];
  return undefined;
}

// ============================================================== schema validation

function schemaProblems(objects: Obj[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const modulePath = `kubernetes-models/${o['apiVersion']}/${o['kind']}`;
    let Model: { new (data: Obj): { validate(): void } };
    try {
      Model = require(modulePath)[o['kind']];
    } catch {
      problems.push(`${idOf(o)}: no schema for ${o['apiVersion']} ${o['kind']} (unknown apiVersion/kind?)`);
      continue;
    }
    try {
      new Model(structuredClone(o)).validate();
    } catch (error) {
      const errs = (error as { errors?: { instancePath: string; message?: string; params?: unknown }[] }).errors;
      if (!errs) throw error;
      for (const e of errs) problems.push(`${idOf(o)}: ${e.instancePath || '/'} ${e.message} ${e.params ? JSON.stringify(e.params) : ''}`);
    }
  }
  return problems;
}

/** Unknown fields: the objects, as object literals typed with kubernetes-types, through tsc. */
function strictFieldProblems(objects: Obj[], work: string): string[] {
  const typesRoot = join(ROOT, 'node_modules/kubernetes-types');
  const problems: string[] = [];
  const imports: string[] = [];
  const bodies: { id: string; body: string[] }[] = [];
  objects.forEach((o, i) => {
    const [group, version] = String(o['apiVersion']).includes('/') ? String(o['apiVersion']).split('/') : ['core', o['apiVersion']];
    const mod = join(typesRoot, group.split('.')[0], version);
    if (!existsSync(`${mod}.d.ts`)) {
      problems.push(`${idOf(o)}: kubernetes-types has no ${group}/${version}`);
      return;
    }
    imports.push(`import type { ${o['kind']} as T${i} } from ${JSON.stringify(mod)};`);
    bodies.push({ id: idOf(o), body: `export const o${i}: T${i} = ${JSON.stringify(o, null, 2)};`.split('\n') });
  });
  const lines = [...imports];
  const spans: { id: string; from: number; to: number }[] = [];
  for (const b of bodies) {
    spans.push({ id: b.id, from: lines.length, to: lines.length + b.body.length });
    lines.push(...b.body);
  }
  const file = join(work, 'k8s-objects.ts');
  writeFileSync(file, lines.join('\n'));
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (!d.file || d.start === undefined) {
      problems.push(message);
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const span = spans.find((s) => line >= s.from && line < s.to);
    const text = d.file.text.split('\n')[line]?.trim() ?? '';
    problems.push(`${span?.id ?? 'header'}: ${message} (at ${text.slice(0, 80)})`);
  }
  return problems;
}

// ============================================================== project rules

const get = (o: Obj | undefined, ...path: (string | number)[]): unknown => path.reduce<unknown>((c, p) => (c as Obj | undefined)?.[p as string], o);

function securityProblems(objects: Obj[]): string[] {
  const problems: string[] = [];
  const allowedVolumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
  for (const o of objects.filter((x) => WORKLOAD_KINDS.has(x['kind']))) {
    for (const pod of podSpecsOf(o)) {
      const id = idOf(o);
      for (const h of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[h]) problems.push(`${id}: ${h} is not allowed`);
      for (const v of pod['volumes'] ?? []) {
        const type = Object.keys(v).find((key) => key !== 'name');
        if (!type || !allowedVolumes.includes(type)) problems.push(`${id}: volume ${v.name} of type ${type} is not allowed (restricted)`);
      }
      const psc = pod['securityContext'] ?? {};
      for (const c of containersOf(pod)) {
        const cid = `${id} container ${c.name}`;
        const sc = c.securityContext ?? {};
        if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) problems.push(`${cid}: runAsNonRoot must be true`);
        if ((sc.runAsUser ?? psc.runAsUser) === 0) problems.push(`${cid}: runs as uid 0`);
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${cid}: allowPrivilegeEscalation must be false`);
        if (sc.privileged) problems.push(`${cid}: privileged`);
        if (sc.readOnlyRootFilesystem !== true) problems.push(`${cid}: readOnlyRootFilesystem must be true`);
        if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${cid}: capabilities must drop ALL`);
        for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') problems.push(`${cid}: adds capability ${cap}`);
        const seccomp = (sc.seccompProfile ?? psc.seccompProfile)?.type;
        if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${cid}: seccompProfile must be RuntimeDefault`);
        for (const r of ['requests', 'limits']) {
          for (const res of ['cpu', 'memory']) if (get(c, 'resources', r, res) === undefined) problems.push(`${cid}: no resources.${r}.${res}`);
        }
        const image = String(c.image ?? '');
        const tag = /:([^:/@]+)$/.exec(image.split('@')[0])?.[1];
        if (!image.includes('@') && (!tag || tag === 'latest')) problems.push(`${cid}: image "${image}" is not pinned to a version tag`);
        if (['Deployment', 'StatefulSet'].includes(o['kind']) && !c.readinessProbe && (pod['containers'] ?? []).includes(c)) {
          problems.push(`${cid}: no readinessProbe`);
        }
      }
    }
  }
  const ns = objects.filter((x) => x['kind'] === 'Namespace');
  for (const n of ns) {
    if (get(n, 'metadata', 'labels', 'pod-security.kubernetes.io/enforce') !== 'restricted') problems.push(`${idOf(n)}: not labelled pod-security.kubernetes.io/enforce=restricted`);
  }
  return problems;
}

function apiProblems(objects: Obj[]): string[] {
  const problems: string[] = [];
  const api = objects.find((o) => o['kind'] === 'Deployment' && o['metadata']?.name === 'api');
  if (!api) return ['no Deployment "api"'];
  const pod = api['spec']['template']['spec'];
  const c = (pod.containers ?? []).find((x: Obj) => x.name === 'api');
  if (!c) return ['Deployment api has no container "api"'];
  if (!(api['spec'].replicas >= 2)) problems.push(`replicas is ${api['spec'].replicas}, must be >= 2`);
  if (get(c, 'readinessProbe', 'httpGet', 'path') !== '/api/health/ready') problems.push('readinessProbe must be GET /api/health/ready');
  if (get(c, 'livenessProbe', 'httpGet', 'path') !== '/api/health') problems.push('livenessProbe must be GET /api/health');
  const ports = new Set((c.ports ?? []).flatMap((p: Obj) => [p.name, p.containerPort]));
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    const port = get(c, probe, 'httpGet', 'port');
    if (port !== undefined && !ports.has(port)) problems.push(`${probe} port ${port} is not a port of the container`);
  }
  const logMount = (c.volumeMounts ?? []).find((m: Obj) => m.mountPath === '/logs/kube-monitoring');
  if (!logMount) problems.push('no volume mounted at /logs/kube-monitoring (LOG_DIR; the root filesystem is read-only)');
  const env = Object.fromEntries((c.env ?? []).map((e: Obj) => [e.name, e]));
  if (!env['DATABASE_URL']?.valueFrom?.secretKeyRef) problems.push('DATABASE_URL must come from a Secret (PostgreSQL: replicas cannot share SQLite)');
  for (const name of ['API_USERNAME', 'API_PASSWORD', 'JWT_SECRET', 'INFLUXDB_PASS']) {
    if (!env[name]?.valueFrom?.secretKeyRef) problems.push(`${name} must come from a Secret`);
  }
  const cfg = configMapValues(objects, c);
  if (cfg['LOG_DIR'] !== undefined && cfg['LOG_DIR'] !== logMount?.mountPath) problems.push(`LOG_DIR=${cfg['LOG_DIR']} is not the mounted logs volume`);
  if (cfg['NODE_ENV'] !== 'production') problems.push('NODE_ENV must be production');
  if (!objects.some((o) => o['kind'] === 'PodDisruptionBudget' && selectorMatches(o['spec']?.selector, api['spec'].template.metadata.labels))) {
    problems.push('no PodDisruptionBudget for the API');
  }
  return problems;
}

/** Values the container gets from ConfigMaps through envFrom and env (literal env included). */
function configMapValues(objects: Obj[], c: Obj): Record<string, string> {
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

function selectorMatches(selector: Obj | undefined, labels: Record<string, string> | undefined): boolean {
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

function referenceProblems(objects: Obj[], allowMissing: Set<string>): string[] {
  const problems: string[] = [];
  const find = (kind: string, name: string | undefined) => objects.find((o) => o['kind'] === kind && o['metadata']?.name === name);
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o['kind']));
  const templateLabels = (w: Obj) => (w['kind'] === 'Pod' ? w['metadata']?.labels : w['spec']?.template?.metadata?.labels) ?? {};
  const namespaces = new Set(objects.filter((o) => !CLUSTER_SCOPED.has(o['kind'])).map((o) => o['metadata']?.namespace));
  if (namespaces.size > 1) problems.push(`objects are spread over namespaces ${[...namespaces].join(', ')}`);
  for (const n of namespaces) {
    if (n && !find('Namespace', n)) problems.push(`namespace ${n} is used but no Namespace object is part of the build`);
  }

  const checkRef = (id: string, kind: 'ConfigMap' | 'Secret', name: string, key: string | undefined, optional: boolean) => {
    const o = find(kind, name);
    if (!o) {
      if (!optional && !allowMissing.has(`${kind}/${name}`)) problems.push(`${id}: ${kind} ${name} does not exist`);
      return;
    }
    if (key !== undefined && !optional) {
      const keys = new Set([...Object.keys(o['data'] ?? {}), ...Object.keys(o['binaryData'] ?? {}), ...Object.keys(o['stringData'] ?? {})]);
      if (!keys.has(key)) problems.push(`${id}: ${kind} ${name} has no key ${key}`);
    }
  };

  for (const w of workloads) {
    const id = idOf(w);
    if (w['kind'] !== 'Pod' && !selectorMatches(w['spec']?.selector, templateLabels(w))) problems.push(`${id}: selector does not match its pod template labels`);
    for (const pod of podSpecsOf(w)) {
      const sa = pod['serviceAccountName'];
      if (sa && sa !== 'default' && !find('ServiceAccount', sa)) problems.push(`${id}: ServiceAccount ${sa} does not exist`);
      const volumes = new Set([...(pod['volumes'] ?? []).map((v: Obj) => v.name), ...(w['spec']?.volumeClaimTemplates ?? []).map((v: Obj) => v.metadata?.name)]);
      for (const v of pod['volumes'] ?? []) {
        if (v.configMap) checkRef(`${id} volume ${v.name}`, 'ConfigMap', v.configMap.name, undefined, v.configMap.optional);
        if (v.secret) checkRef(`${id} volume ${v.name}`, 'Secret', v.secret.secretName, undefined, v.secret.optional);
        for (const it of [...(v.configMap?.items ?? [])]) checkRef(`${id} volume ${v.name}`, 'ConfigMap', v.configMap.name, it.key, v.configMap.optional);
      }
      for (const c of containersOf(pod)) {
        const cid = `${id} container ${c.name}`;
        for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) problems.push(`${cid}: volumeMount ${m.name} has no volume`);
        for (const e of c.env ?? []) {
          const cm = e.valueFrom?.configMapKeyRef;
          const sk = e.valueFrom?.secretKeyRef;
          if (cm) checkRef(`${cid} env ${e.name}`, 'ConfigMap', cm.name, cm.key, cm.optional);
          if (sk) checkRef(`${cid} env ${e.name}`, 'Secret', sk.name, sk.key, sk.optional);
        }
        for (const e of c.envFrom ?? []) {
          if (e.configMapRef) checkRef(`${cid} envFrom`, 'ConfigMap', e.configMapRef.name, undefined, e.configMapRef.optional);
          if (e.secretRef) checkRef(`${cid} envFrom`, 'Secret', e.secretRef.name, undefined, e.secretRef.optional);
        }
      }
    }
    if (w['kind'] === 'StatefulSet' && !find('Service', w['spec']?.serviceName)) problems.push(`${id}: serviceName ${w['spec']?.serviceName} is not a Service`);
  }

  const containerPorts = (w: Obj) => podSpecsOf(w).flatMap((p) => (p['containers'] ?? []).flatMap((c: Obj) => c.ports ?? []));
  for (const s of objects.filter((o) => o['kind'] === 'Service')) {
    const sel = s['spec']?.selector;
    if (!sel) continue;
    const targets = workloads.filter((w) => selectorMatches({ matchLabels: sel }, templateLabels(w)));
    if (targets.length === 0) {
      problems.push(`${idOf(s)}: selector matches no workload`);
      continue;
    }
    for (const p of s['spec']?.ports ?? []) {
      const tp = p.targetPort ?? p.port;
      const ok = targets.every((w) => containerPorts(w).some((cp: Obj) => (typeof tp === 'string' ? cp.name === tp : cp.containerPort === tp)));
      if (!ok) problems.push(`${idOf(s)}: targetPort ${tp} is not a container port of ${targets.map(idOf).join(', ')}`);
    }
  }

  for (const ing of objects.filter((o) => o['kind'] === 'Ingress')) {
    for (const rule of ing['spec']?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const svc = find('Service', path.backend?.service?.name);
        const port = path.backend?.service?.port;
        if (!svc) problems.push(`${idOf(ing)}: backend Service ${path.backend?.service?.name} does not exist`);
        else if (!(svc['spec']?.ports ?? []).some((p: Obj) => (port?.name ? p.name === port.name : p.port === port?.number))) {
          problems.push(`${idOf(ing)}: Service ${svc['metadata'].name} has no port ${JSON.stringify(port)}`);
        }
      }
    }
  }

  for (const np of objects.filter((o) => o['kind'] === 'NetworkPolicy')) {
    if (!workloads.some((w) => selectorMatches(np['spec']?.podSelector, templateLabels(w)))) problems.push(`${idOf(np)}: podSelector matches no workload`);
    for (const rule of np['spec']?.ingress ?? []) {
      for (const from of rule.from ?? []) {
        if (from.podSelector && !from.namespaceSelector && !workloads.some((w) => selectorMatches(from.podSelector, templateLabels(w)))) {
          problems.push(`${idOf(np)}: ingress from ${JSON.stringify(from.podSelector)} matches no workload`);
        }
      }
    }
  }

  for (const b of objects.filter((o) => o['kind'] === 'ClusterRoleBinding' || o['kind'] === 'RoleBinding')) {
    const ref = b['roleRef'];
    if (!find(ref?.kind, ref?.name)) problems.push(`${idOf(b)}: roleRef ${ref?.kind} ${ref?.name} is not part of the build`);
    for (const s of b['subjects'] ?? []) {
      if (s.kind === 'ServiceAccount' && !objects.some((o) => o['kind'] === 'ServiceAccount' && o['metadata']?.name === s.name && o['metadata']?.namespace === s.namespace)) {
        problems.push(`${idOf(b)}: subject ServiceAccount ${s.namespace}/${s.name} does not exist`);
      }
    }
  }
  return problems;
}

function influxProblems(objects: Obj[]): string[] {
  const problems: string[] = [];
  const sts = objects.find((o) => o['kind'] === 'StatefulSet' && o['metadata']?.name === 'influxdb');
  if (!sts) return ['no StatefulSet "influxdb"'];
  const claims = (sts['spec'].volumeClaimTemplates ?? []).map((v: Obj) => v.metadata.name);
  const c = sts['spec'].template.spec.containers[0];
  const dataMount = (c.volumeMounts ?? []).find((m: Obj) => m.mountPath === '/var/lib/influxdb');
  if (!dataMount || !claims.includes(dataMount.name)) problems.push('/var/lib/influxdb is not on a persistent volume (volumeClaimTemplates)');
  const labels = sts['spec'].template.metadata.labels;
  const policies = objects.filter((o) => o['kind'] === 'NetworkPolicy' && selectorMatches(o['spec']?.podSelector, labels));
  if (policies.length === 0) problems.push('no NetworkPolicy selects the InfluxDB pods');
  for (const p of policies) {
    if (!(p['spec'].policyTypes ?? []).includes('Ingress')) problems.push(`${idOf(p)}: no Ingress policy type`);
    for (const rule of p['spec'].ingress ?? []) {
      if (!rule.from || rule.from.length === 0) problems.push(`${idOf(p)}: an ingress rule without "from" lets every pod in`);
    }
  }
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o['kind']));
  const allowed = workloads.filter((w) =>
    policies.some((p) => (p['spec'].ingress ?? []).some((r: Obj) => (r.from ?? []).some((f: Obj) => f.podSelector && selectorMatches(f.podSelector, w['spec']?.template?.metadata?.labels)))),
  );
  const names = allowed.map((w) => w['metadata'].name).sort();
  for (const needed of ['api', 'grafana', 'telegraf']) if (!names.includes(needed)) problems.push(`${needed} may not reach InfluxDB (NetworkPolicy)`);
  for (const n of names) if (!['api', 'grafana', 'telegraf'].includes(n)) problems.push(`${n} may reach InfluxDB but should not`);
  return problems;
}

/** Names the API reads from the environment, parsed from app-config.ts. */
function apiEnvNames(): { all: Set<string>; required: Set<string> } {
  const src = readFileSync(APP_CONFIG, 'utf8');
  const all = new Set<string>();
  const required = new Set<string>();
  for (const m of src.matchAll(/env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)) all.add(m[1]);
  for (const m of src.matchAll(/\b(?:str|int|durationSeconds|bool|list)\(\s*env,\s*['"]([A-Z][A-Z0-9_]*)['"]\s*(\)|,)/g)) {
    all.add(m[1]);
    if (m[2] === ')') required.add(m[1]);
  }
  return { all, required };
}

function configurationProblems(objects: Obj[]): string[] {
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

function secretTemplateProblems(): string[] {
  const problems: string[] = [];
  const tracked = spawnSync('git', ['ls-files', 'deploy'], { cwd: ROOT, encoding: 'utf8' });
  if (tracked.status === 0) {
    for (const f of tracked.stdout.split('\n').filter(Boolean)) {
      if (/(^|\/)secrets\.env$/.test(f)) problems.push(`${f} is committed: it holds credentials`);
    }
  }
  for (const f of walk(K8S)) {
    if (/\.ya?ml$/.test(f)) {
      for (const o of loadYamlDocs(f)) if (o['kind'] === 'Secret') problems.push(`${relative(ROOT, f)}: a Secret manifest; credentials come only from secrets.env (secretGenerator)`);
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

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

// ============================================================== Telegraf

function telegrafProblems(objects: Obj[]): string[] {
  const problems: string[] = [];
  const ds = objects.find((o) => o['kind'] === 'DaemonSet' && o['metadata']?.name === 'telegraf');
  if (!ds) return ['no DaemonSet "telegraf"'];
  const pod = ds['spec'].template.spec;
  const c = pod.containers[0];
  const mount = (c.volumeMounts ?? []).find((m: Obj) => m.mountPath === '/etc/telegraf');
  const vol = (pod.volumes ?? []).find((v: Obj) => v.name === mount?.name);
  const cm = objects.find((o) => o['kind'] === 'ConfigMap' && o['metadata'].name === vol?.configMap?.name);
  const text = cm?.['data']?.['telegraf.conf'];
  if (typeof text !== 'string') return ['the DaemonSet does not mount a ConfigMap with telegraf.conf at /etc/telegraf'];
  if (!(c.args ?? c.command ?? []).join(' ').includes('/etc/telegraf/telegraf.conf')) problems.push('telegraf is not started with --config /etc/telegraf/telegraf.conf');

  let conf: Obj;
  try {
    conf = parseToml(text) as Obj;
  } catch (error) {
    return [`telegraf.conf is not valid TOML: ${(error as Error).message}`];
  }
  // Every metric the API reads with METRICS_SCHEMA=telegraf: measurement, field and tags written.
  problems.push(...telegrafSchemaProblems(conf));
  const agent = conf['agent'] ?? {};
  if (agent['interval'] !== '60s') problems.push(`agent.interval is ${agent['interval']}, must be "60s" (the accounting's resolution)`);
  if (agent['round_interval'] !== true) problems.push('agent.round_interval must be true');
  const inputs = conf['inputs'] ?? {};
  const k8s = (inputs['kubernetes'] ?? [])[0];
  if (!k8s) problems.push('no [[inputs.kubernetes]]');
  else {
    if (!/^https:\/\/.+:10250$/.test(k8s['url'] ?? '')) problems.push(`inputs.kubernetes.url ${k8s['url']} is not the kubelet's https://<node>:10250`);
    if (!String(k8s['bearer_token'] ?? '').includes('serviceaccount/token')) problems.push('inputs.kubernetes does not use the service-account token');
    for (const m of ['kubernetes_pod_container', 'kubernetes_pod_network', 'kubernetes_node']) {
      if (k8s['namepass'] && !k8s['namepass'].includes(m)) problems.push(`inputs.kubernetes drops ${m}`);
    }
    if (k8s['node_metric_name'] && k8s['node_metric_name'] !== 'kubernetes_node') problems.push('inputs.kubernetes renames kubernetes_node');
  }
  const inv = (inputs['kube_inventory'] ?? [])[0];
  if (inv) {
    if (!inv['node_name']) problems.push('inputs.kube_inventory without node_name: every DaemonSet pod would write every pod of the cluster');
    if ((inv['resource_include'] ?? []).some((r: string) => r !== 'pods')) problems.push('inputs.kube_inventory collects more than pods (cluster-wide objects would be written once per node)');
  }
  const prom = (inputs['prometheus'] ?? []).find((p: Obj) => (p['namepass'] ?? []).includes('DCGM_FI_DEV_FB_USED'));
  if (!prom) problems.push('no [[inputs.prometheus]] passing DCGM_FI_DEV_FB_USED (GPU memory)');
  else {
    if (prom['metric_version'] !== 1) problems.push('inputs.prometheus must use metric_version = 1 (measurement DCGM_FI_DEV_FB_USED, field gauge)');
    for (const t of ['namespace', 'pod', 'container']) if (prom['taginclude'] && !prom['taginclude'].includes(t)) problems.push(`inputs.prometheus drops the ${t} tag`);
    if (prom['monitor_kubernetes_pods'] && (prom['pod_namespace_label_name'] ?? 'namespace') === 'namespace') {
      problems.push("inputs.prometheus: pod_namespace_label_name must not be 'namespace' (the exporter's namespace would overwrite the workload's)");
    }
    if (prom['monitor_kubernetes_pods'] && !String(prom['kubernetes_field_selector'] ?? '').includes('spec.nodeName=') && prom['pod_scrape_scope'] !== 'node') {
      problems.push('inputs.prometheus scrapes exporters cluster-wide from every node: restrict to this node');
    }
  }
  const out = (conf['outputs']?.['influxdb'] ?? [])[0];
  if (!out) problems.push('no [[outputs.influxdb]]');
  else {
    const cfg = objects.find((o) => o['kind'] === 'ConfigMap' && /^kube-monitoring-config(-|$)/.test(o['metadata'].name));
    const db = cfg?.['data']?.['INFLUXDB_DB'] ?? 'k8s';
    if (out['database'] !== db) problems.push(`outputs.influxdb.database is ${out['database']}, the API reads ${db}`);
    for (const u of out['urls'] ?? []) {
      const url = new URL(u);
      const svc = objects.find((o) => o['kind'] === 'Service' && o['metadata'].name === url.hostname.split('.')[0]);
      if (!svc) problems.push(`outputs.influxdb url ${u}: no Service ${url.hostname}`);
      else if (!(svc['spec'].ports ?? []).some((p: Obj) => String(p.port) === url.port)) problems.push(`outputs.influxdb url ${u}: Service ${url.hostname} has no port ${url.port}`);
    }
  }
  const defined = new Set((c.env ?? []).map((e: Obj) => e.name));
  for (const m of text.replace(/^\s*#.*$/gm, '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)) {
    if (!defined.has(m[1])) problems.push(`telegraf.conf uses \${${m[1]}}, which the DaemonSet does not define`);
  }
  // RBAC for what the plugins do.
  const sa = pod.serviceAccountName;
  const bindings = objects.filter((o) => o['kind'] === 'ClusterRoleBinding' && (o['subjects'] ?? []).some((s: Obj) => s.kind === 'ServiceAccount' && s.name === sa));
  const rules = bindings.flatMap((b) => objects.find((o) => o['kind'] === 'ClusterRole' && o['metadata'].name === b['roleRef'].name)?.['rules'] ?? []);
  const can = (resource: string, verb: string) => rules.some((r: Obj) => (r.apiGroups ?? []).includes('') && (r.resources ?? []).includes(resource) && (r.verbs ?? []).includes(verb));
  for (const [res, verb] of [['nodes/stats', 'get'], ['nodes/proxy', 'get'], ['pods', 'list'], ['pods', 'watch'], ['namespaces', 'list'], ['namespaces', 'watch']]) {
    if (!can(res, verb)) problems.push(`the telegraf ServiceAccount may not ${verb} ${res}`);
  }
  if (pod.automountServiceAccountToken === false) problems.push('telegraf needs its service-account token mounted');
  if (!(pod.tolerations ?? []).some((t: Obj) => t.operator === 'Exists' && !t.key)) problems.push('telegraf does not tolerate tainted (e.g. GPU) nodes');
  return problems;
}

// ============================================================== Grafana

function grafanaProblems(objects: Obj[]): string[] {
  const problems: string[] = [];
  const dep = objects.find((o) => o['kind'] === 'Deployment' && o['metadata']?.name === 'grafana');
  if (!dep) return ['no Deployment "grafana"'];
  const pod = dep['spec'].template.spec;
  const c = pod.containers[0];
  const cmAt = (path: string) => {
    const m = (c.volumeMounts ?? []).find((x: Obj) => x.mountPath === path);
    const v = (pod.volumes ?? []).find((x: Obj) => x.name === m?.name);
    return objects.find((o) => o['kind'] === 'ConfigMap' && o['metadata'].name === v?.configMap?.name);
  };
  const dsCm = cmAt('/etc/grafana/provisioning/datasources');
  const provCm = cmAt('/etc/grafana/provisioning/dashboards');
  if (!dsCm) return ['no datasource provisioning mounted at /etc/grafana/provisioning/datasources'];
  if (!provCm) return ['no dashboard provisioning mounted at /etc/grafana/provisioning/dashboards'];
  const env = configMapValues(objects, c);
  const envNames = new Set((c.env ?? []).map((e: Obj) => e.name));
  const expand = (v: unknown) => String(v ?? '').replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (_, n) => env[n] ?? `<${n}>`);
  const uids = new Set<string>();
  for (const [file, text] of Object.entries(dsCm['data'] as Record<string, string>)) {
    for (const m of text.replace(/^\s*#.*$/gm, '').matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)) {
      if (!envNames.has(m[1])) problems.push(`${file} uses $${m[1]}, which the Grafana container does not define`);
    }
    const doc = parseYaml(text) as Obj;
    for (const ds of doc['datasources'] ?? []) {
      uids.add(ds.uid);
      if (ds.type !== 'influxdb') continue;
      const url = new URL(ds.url);
      const svc = objects.find((o) => o['kind'] === 'Service' && o['metadata'].name === url.hostname);
      if (!svc || !(svc['spec'].ports ?? []).some((p: Obj) => String(p.port) === url.port)) problems.push(`${file}: ${ds.url} is not a Service port of the build`);
      const db = expand(ds.jsonData?.dbName ?? ds.database);
      if (db !== (env['INFLUXDB_DB'] ?? 'k8s')) problems.push(`${file}: database ${db} is not the API's ${env['INFLUXDB_DB']}`);
      if (ds.jsonData?.version && ds.jsonData.version !== 'InfluxQL') problems.push(`${file}: query language ${ds.jsonData.version}, expected InfluxQL`);
    }
  }
  const dashboardsAt: string[] = [];
  for (const [file, text] of Object.entries(provCm['data'] as Record<string, string>)) {
    for (const p of (parseYaml(text) as Obj)['providers'] ?? []) {
      dashboardsAt.push(p.options?.path);
      if (!cmAt(p.options?.path)) problems.push(`${file}: provider ${p.name} reads ${p.options?.path}, where no ConfigMap is mounted`);
    }
  }
  for (const path of dashboardsAt) {
    const cm = cmAt(path);
    for (const [file, text] of Object.entries((cm?.['data'] ?? {}) as Record<string, string>)) {
      const d = JSON.parse(text) as Obj;
      if (!d['uid'] || !d['title']) problems.push(`${file}: dashboard without uid/title`);
      const panels = (d['panels'] ?? []).filter((p: Obj) => p.type !== 'row');
      if (panels.length === 0) problems.push(`${file}: no panels`);
      for (const p of panels) {
        if (!uids.has(p.datasource?.uid)) problems.push(`${file}: panel "${p.title}" uses datasource ${p.datasource?.uid}, not provisioned`);
        for (const t of p.targets ?? []) if (!t.query || !t.rawQuery) problems.push(`${file}: panel "${p.title}" target ${t.refId} has no raw InfluxQL query`);
      }
    }
  }
  return problems;
}

/** Dashboard queries on a real InfluxDB holding points in each collector's shape. */
async function dashboardQueryProblems(dashboardFile: string): Promise<string[]> {
  const problems: string[] = [];
  const influx = await startInfluxDb();
  try {
    const call = (path: string, body?: string) =>
      new Promise<{ status: number; text: string }>((done, fail) => {
        const r = request(`${influx.url}${path}`, { method: body === undefined ? 'GET' : 'POST' }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => done({ status: res.statusCode ?? 0, text }));
        });
        r.on('error', fail);
        if (body !== undefined) r.write(body);
        r.end();
      });
    await call(`/query?q=${encodeURIComponent('CREATE DATABASE k8s')}`, '');
    const now = Math.floor(Date.now() / 1000 / 60) * 60;
    const lines: string[] = [];
    for (let i = 1; i <= 10; i++) {
      const t = now - i * 60;
      // Telegraf inputs.kubernetes (two containers of one pod, a second namespace).
      lines.push(`kubernetes_pod_container,container_name=app,host=node-1,namespace=cluster-3,node_name=node-1,pod_name=train-0 cpu_usage_nanocores=200000000i,cpu_usage_core_nanoseconds=${i}000000000i,memory_usage_bytes=1073741824i,memory_working_set_bytes=900000000i ${t}`);
      lines.push(`kubernetes_pod_container,container_name=sidecar,host=node-1,namespace=cluster-3,node_name=node-1,pod_name=train-0 cpu_usage_nanocores=50000000i,memory_usage_bytes=104857600i ${t}`);
      lines.push(`kubernetes_pod_container,container_name=web,host=node-2,namespace=team-a,node_name=node-2,pod_name=web-1 cpu_usage_nanocores=100000000i,memory_usage_bytes=52428800i ${t}`);
      // Telegraf inputs.kube_inventory in the same measurement (requests/limits only).
      lines.push(`kubernetes_pod_container,container_name=app,host=node-1,image=trainer,namespace=cluster-3,node_name=node-1,phase=Running,pod_name=train-0,readiness=ready,state=running,version=1 resource_requests_millicpu_units=500i,resource_limits_memory_bytes=2147483648i,restarts_total=0i,state_code=0i ${t}`);
      lines.push(`kubernetes_pod_network,host=node-1,namespace=cluster-3,node_name=node-1,pod_name=train-0 rx_bytes=${i}000i,tx_bytes=${i}000i,rx_errors=0i,tx_errors=0i ${t}`);
      lines.push(`kubernetes_node,host=node-1,node_name=node-1 cpu_usage_nanocores=1500000000i,memory_usage_bytes=8589934592i ${t}`);
      // dcgm-exporter through inputs.prometheus, metric_version=1 (a used and an idle GPU).
      lines.push(`DCGM_FI_DEV_FB_USED,Hostname=node-1,UUID=GPU-0a,container=app,gpu=0,host=node-1,modelName=A100,namespace=cluster-3,pod=train-0 gauge=2048 ${t}`);
      lines.push(`DCGM_FI_DEV_FB_USED,Hostname=node-1,UUID=GPU-0b,gpu=1,host=node-1,modelName=A100 gauge=0 ${t}`);
      // Heapster.
      lines.push(`cpu/usage_rate,cluster_name=default,namespace_name=cluster-3,type=ns value=250i ${t}`);
      lines.push(`memory/usage,cluster_name=default,namespace_name=cluster-3,type=ns value=1178599424i ${t}`);
      lines.push(`gpu/usage,cluster_name=default,namespace_name=cluster-3,pod_name=train-0,type=pod value=2147i ${t}`);
      lines.push(`gpu/usage,cluster_name=default,container_name=app,namespace_name=cluster-3,pod_name=train-0,type=pod_container value=2147i ${t}`);
    }
    const w = await call('/write?db=k8s&precision=s', lines.join('\n'));
    if (w.status !== 204) return [`could not write the fixture points: ${w.status} ${w.text}`];

    // Expected value of the first series of each panel, for a few panels (unit arithmetic).
    const expected: Record<string, number> = {
      'CPU usage per namespace (cores)': 0.25,
      'Memory usage per namespace': 1073741824 + 104857600,
      'GPU memory used per namespace': 2048,
      'cpu/usage_rate per namespace (cores)': 0.25,
      'gpu/usage per namespace': 2147,
    };
    const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as Obj;
    for (const p of (dashboard['panels'] as Obj[]).filter((x) => x['type'] !== 'row')) {
      for (const t of p['targets'] ?? []) {
        const q = String(t.query)
          .replaceAll('$timeFilter', 'time > now() - 30m')
          .replaceAll('$__interval', '60s')
          .replaceAll('$namespace', '.*');
        const r = await call(`/query?db=k8s&epoch=s&q=${encodeURIComponent(q)}`);
        const body = JSON.parse(r.text || '{}') as Obj;
        const res = body['results']?.[0];
        if (r.status !== 200 || body['error'] || res?.error) {
          problems.push(`panel "${p['title']}": ${body['error'] ?? res?.error ?? r.status}\n  ${q}`);
          continue;
        }
        const series = (res?.series ?? []) as Obj[];
        if (series.length === 0) {
          problems.push(`panel "${p['title']}" returns nothing on data in the collector's shape\n  ${q}`);
          continue;
        }
        const want = expected[p['title']];
        if (want !== undefined) {
          const ns3 = series.find((s) => Object.values(s['tags'] ?? {}).includes('cluster-3')) ?? series[0];
          const values = (ns3['values'] as [number, number | null][]).map((v) => v[1]).filter((v): v is number => v !== null);
          const got = values.at(-1);
          if (got === undefined || Math.abs(got - want) > 1e-9 * Math.max(1, want)) problems.push(`panel "${p['title']}": ${got} for cluster-3, expected ${want}\n  ${q}`);
        }
      }
    }
  } finally {
    await influx.stop();
  }
  return problems;
}

// ============================================================== nginx

function nginxProblems(work: string): string[] {
  ensureNginx();
  const dir = mkdtempSync(join(work, 'nginx-'));
  mkdirSync(join(dir, 'conf.d'));
  mkdirSync(join(dir, 'tmp'));
  mkdirSync(join(dir, 'html/web'), { recursive: true });
  writeFileSync(join(dir, 'html/web/index.html'), '<!doctype html>');
  writeFileSync(join(dir, 'nginx.conf'), relocateMainConfig(readFileSync(join(DEPLOY, 'web/nginx.conf'), 'utf8'), dir));
  // The image's defaults (Dockerfile.web ENV), with the API host resolvable here.
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile.web'), 'utf8');
  const envDefault = (name: string) => new RegExp(`${name}=(\\S+)`).exec(dockerfile)?.[1];
  const problems: string[] = [];
  for (const n of ['KM_API_UPSTREAM', 'KM_LISTEN_PORT', 'KM_WEB_ROOT']) if (!envDefault(n)) problems.push(`Dockerfile.web sets no default for ${n}`);
  writeFileSync(
    join(dir, 'conf.d/default.conf'),
    renderSiteTemplate(readFileSync(join(DEPLOY, 'web/default.conf.template'), 'utf8'), {
      KM_API_UPSTREAM: '127.0.0.1:8000',
      KM_LISTEN_PORT: `127.0.0.1:${envDefault('KM_LISTEN_PORT') ?? '8080'}`,
      KM_WEB_ROOT: join(dir, 'html'),
    }),
  );
  // The config logs to /dev/stdout and /dev/stderr: give nginx a file there (not a pipe).
  const out = join(dir, 'nginx.out');
  const fd = openSync(out, 'w');
  const r = spawnSync('/usr/sbin/nginx', ['-t', '-q', '-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (r.status !== 0) problems.push(`nginx -t: ${readFileSync(out, 'utf8')}`);
  return problems;
}

// ============================================================== Dockerfiles

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i];
    if (/^\s*(#|$)/.test(l)) continue;
    const start = i;
    while (/\\\s*$/.test(l) && i + 1 < lines.length) {
      i++;
      const next = lines[i];
      if (/^\s*#/.test(next)) continue;
      l = l.replace(/\\\s*$/, ' ') + next;
    }
    const m = /^\s*(\w+)\s*(.*)$/.exec(l);
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: start + 1 });
  }
  return out;
}

function dockerignorePatterns(): string[] {
  const f = join(ROOT, '.dockerignore');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

function excludedByDockerignore(path: string, patterns: string[]): boolean {
  let excluded = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const p = (negate ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    const re = new RegExp(`^${p.split('/').map((seg) => (seg === '**' ? '.*' : seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))).join('/').replace(/\.\*\//g, '(?:.*/)?')}(?:/.*)?$`);
    if (re.test(path)) excluded = !negate;
  }
  return excluded;
}

function dockerfileProblems(file: string, kind: 'api' | 'web'): string[] {
  const problems: string[] = [];
  const path = join(ROOT, file);
  if (!existsSync(path)) return [`${file} does not exist`];
  const text = readFileSync(path, 'utf8');
  for (const d of validateDockerfile(text)) {
    problems.push(`${file}:${d.range.start.line + 1}: ${d.severity === 1 ? 'error' : 'warning'}: ${d.message}`);
  }
  const ins = parseDockerfile(text);
  const stages: { name?: string; image: string; ins: Instruction[] }[] = [];
  for (const i of ins) {
    if (i.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(i.args);
      stages.push({ image: m?.[1] ?? i.args, name: m?.[2], ins: [] });
      const image = m?.[1] ?? '';
      const names = stages.slice(0, -1).map((s) => s.name);
      if (!names.includes(image)) {
        const tag = /:([^:/@]+)$/.exec(image.split('@')[0])?.[1];
        if (image.includes('$')) problems.push(`${file}:${i.line}: base image "${image}" is not written out`);
        else if (!image.includes('@') && (!tag || tag === 'latest' || !/\d+\.\d+/.test(tag))) problems.push(`${file}:${i.line}: base image "${image}" is not pinned to a version (name:X.Y[.Z]…)`);
      }
    } else if (stages.length) stages.at(-1)!.ins.push(i);
  }
  if (stages.length < 2) problems.push(`${file}: not a multi-stage build`);
  const final = stages.at(-1);
  if (!final) return problems;
  const all = (kw: string, s = final) => s.ins.filter((i) => i.keyword === kw);
  const runs = ins.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  if (!runs.some((r) => /\bnpm ci\b/.test(r))) problems.push(`${file}: dependencies are not installed with npm ci`);
  for (const r of runs) if (/\bnpm (install|i)\b/.test(r)) problems.push(`${file}: "npm install" in RUN (use npm ci from package-lock.json)`);
  for (const r of runs) {
    if (/apt-get install/.test(r) && !/--no-install-recommends/.test(r)) problems.push(`${file}: apt-get install without --no-install-recommends`);
    if (/apt-get install/.test(r) && !/rm -rf \/var\/lib\/apt\/lists/.test(r)) problems.push(`${file}: apt lists not removed in the same RUN`);
  }
  const users = all('USER');
  const user = users.at(-1)?.args;
  if (!user) problems.push(`${file}: the final stage sets no USER (runs as root)`);
  else if (/^(root|0)(:|$)/.test(user)) problems.push(`${file}: the final stage runs as ${user}`);
  const cmdLine = [...all('CMD'), ...all('ENTRYPOINT')].map((i) => i.line);
  if (users.length && cmdLine.some((l) => l < users.at(-1)!.line)) problems.push(`${file}: USER comes after CMD/ENTRYPOINT`);
  const hc = all('HEALTHCHECK');
  if (hc.length === 0 || /^NONE$/i.test(hc.at(-1)!.args)) problems.push(`${file}: the final stage has no HEALTHCHECK`);
  if (all('EXPOSE').length === 0) problems.push(`${file}: the final stage EXPOSEs no port`);
  // What goes into the final image.
  const copies = all('COPY');
  if (kind === 'api') {
    const depsCopy = copies.find((c) => /node_modules/.test(c.args) && /--from=(\S+)/.test(c.args));
    const from = depsCopy && /--from=(\S+)/.exec(depsCopy.args)![1];
    const depsStage = stages.find((s) => s.name === from);
    if (!depsStage) problems.push(`${file}: node_modules of the final image do not come from a dependencies stage`);
    else if (!all('RUN', depsStage).some((r) => /npm ci\b.*--omit=dev/.test(r.args))) problems.push(`${file}: stage ${from} does not install with npm ci --omit=dev (production dependencies only)`);
    if (!final.ins.some((i) => i.keyword === 'RUN' && i.args.includes('/logs/kube-monitoring'))) problems.push(`${file}: the final stage does not create /logs/kube-monitoring`);
    if (!final.ins.some((i) => i.keyword === 'ENV' && /LOG_DIR=\/logs\/kube-monitoring/.test(i.args))) problems.push(`${file}: LOG_DIR=/logs/kube-monitoring is not set`);
    if (!final.ins.some((i) => i.keyword === 'ENV' && /NODE_ENV=production/.test(i.args))) problems.push(`${file}: NODE_ENV=production is not set`);
    if (!/dist\/apps\/api\/main\.js/.test(all('CMD').at(-1)?.args ?? '')) problems.push(`${file}: CMD does not run dist/apps/api/main.js`);
    if (!/\/api\/health/.test(hc.at(-1)?.args ?? '')) problems.push(`${file}: HEALTHCHECK does not probe /api/health`);
    if (!/users-cli\.js/.test(text)) problems.push(`${file}: the users CLI (dist/apps/api/cli/users-cli.js) is not checked into the image`);
  } else {
    if (copies.some((c) => /node_modules/.test(c.args))) problems.push(`${file}: node_modules copied into the static image`);
    for (const f of ['deploy/web/nginx.conf', 'deploy/web/default.conf.template']) if (!copies.some((c) => c.args.includes(f))) problems.push(`${file}: ${f} is not used`);
    if (!/\/healthz/.test(hc.at(-1)?.args ?? '')) problems.push(`${file}: HEALTHCHECK does not probe /healthz`);
  }
  for (const s of stages) {
    for (const c of all('COPY', s)) {
      if (/--from=/.test(c.args)) continue;
      const parts = c.args.replace(/--\S+/g, '').trim().split(/\s+/);
      for (const src of parts.slice(0, -1)) {
        if (src === '.' || src.includes('*')) continue;
        if (!existsSync(join(ROOT, src))) problems.push(`${file}:${c.line}: COPY source ${src} does not exist`);
        else if (excludedByDockerignore(src, dockerignorePatterns())) problems.push(`${file}:${c.line}: COPY source ${src} is excluded by .dockerignore`);
      }
    }
  }
  if (/\bnpm run build\b/.test(text) && !/nx build/.test(text)) problems.push(`${file}: builds without nx`);
  if (kind === 'web' && !/--base-href=\/web\//.test(text)) problems.push(`${file}: the SPA is not built for /web/ (--base-href=/web/)`);
  if (kind === 'api' && !/--base-href=\/web\//.test(text)) problems.push(`${file}: the SPA served at /web is not built with --base-href=/web/`);
  return problems;
}

function dockerignoreProblems(): string[] {
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

// ============================================================== main

async function main(): Promise<void> {
  const skipInflux = process.argv.includes('--no-influx');
  const work = mkdtempSync(join(tmpdir(), 'km-lint-deploy-'));
  try {
    // A copy of deploy/ where each overlay's secrets.env is its committed example.
    const copy = join(work, 'deploy');
    cpSync(DEPLOY, copy, { recursive: true, filter: (src) => !/(^|\/)secrets\.env$/.test(src) });
    const kustomizations = walk(join(copy, 'k8s'))
      .filter((f) => basename(f) === 'kustomization.yaml')
      .map((f) => dirname(f))
      .sort();
    for (const dir of kustomizations) {
      const example = join(dir, 'secrets.env.example');
      if (existsSync(example)) writeFileSync(join(dir, 'secrets.env'), readFileSync(example));
    }
    const kustomize = findKustomize();
    note(kustomize ? `kustomize: ${kustomize.join(' ')} (${spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).stdout.split('\n').find((l) => /Kustomize/.test(l)) ?? ''})` : 'no kustomize binary (kubectl kustomize): rendering with the built-in renderer only');

    const rendered = new Map<string, Obj[]>();
    for (const dir of kustomizations) {
      const label = relative(copy, dir);
      let own: Obj[] | undefined;
      await group(`render ${label} (built-in kustomize renderer)`, () => {
        own = renderKustomization(dir);
        return own.length ? [] : ['renders no object'];
      });
      let objects = own;
      if (kustomize) {
        await group(`render ${label} with ${kustomize.join(' ')}; identical to the built-in renderer`, () => {
          const r = spawnSync(kustomize[0], [...kustomize.slice(1), dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
          if (r.status !== 0) return [r.stderr.trim()];
          const theirs = normalizeSecrets(parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj).filter(Boolean));
          objects = theirs;
          if (!own) return [];
          const problems: string[] = [];
          const mine = new Map(normalizeSecrets(structuredClone(own)).map((o) => [idOf(o), o]));
          for (const t of theirs) {
            const m = mine.get(idOf(t));
            if (!m) problems.push(`${idOf(t)}: only in ${kustomize.join(' ')}'s output`);
            else {
              const d = firstDifference(m, t);
              if (d) problems.push(`${idOf(t)}: differs at ${d}`);
              mine.delete(idOf(t));
            }
          }
          for (const id of mine.keys()) problems.push(`${id}: only in the built-in renderer's output`);
          return problems;
        });
      }
      if (objects) rendered.set(label, normalizeSecrets(structuredClone(objects)));
    }

    for (const [label, objects] of rendered) {
      const isBase = !label.includes('overlays');
      // The base leaves the credentials to its overlays.
      const allowMissing = new Set(isBase ? ['Secret/kube-monitoring-secrets'] : []);
      await group(`${label}: ${objects.length} objects valid against the Kubernetes OpenAPI schema (kubernetes-models)`, () => schemaProblems(objects));
      await group(`${label}: no unknown fields (TypeScript excess-property check against kubernetes-types)`, () => strictFieldProblems(objects, work));
      await group(`${label}: restricted pod security, read-only root filesystems, resources, pinned images, probes`, () => securityProblems(objects));
      await group(`${label}: references resolve (ConfigMaps, Secrets, keys, volumes, Services, ports, Ingress, NetworkPolicies, RBAC)`, () => referenceProblems(objects, allowMissing));
      await group(`${label}: API Deployment (replicas >= 2, health probes, logs volume, credentials from the Secret, PDB)`, () => apiProblems(objects));
      await group(`${label}: InfluxDB on a persistent volume, reachable only from api, grafana and telegraf`, () => influxProblems(objects));
      await group(`${label}: Telegraf writes what the API reads (telegraf.conf, env, RBAC)`, () => telegrafProblems(objects));
      await group(`${label}: Grafana provisioning (InfluxQL datasource on database k8s, dashboards)`, () => grafanaProblems(objects));
      if (!isBase) await group(`${label}: API environment matches app-config.ts and README.md (Configuration)`, () => configurationProblems(objects));
    }

    await group('credentials: only a CHANGE_ME template (.example) is committed, never secrets.env or a Secret', () => secretTemplateProblems());

    const dashboards = walk(join(K8S, 'base/grafana/dashboards')).filter((f) => f.endsWith('.json'));
    if (skipInflux) note('--no-influx: dashboard queries not run');
    else {
      for (const d of dashboards) {
        await group(`${relative(ROOT, d)}: every query runs on InfluxDB and returns the expected figures on collector-shaped data`, () => dashboardQueryProblems(d));
      }
    }

    await group('deploy/web: nginx -t accepts the web image configuration', () => nginxProblems(work));
    await group('Dockerfile.api: lint (dockerfile-utils) and project rules', () => dockerfileProblems('Dockerfile.api', 'api'));
    await group('Dockerfile.web: lint (dockerfile-utils) and project rules', () => dockerfileProblems('Dockerfile.web', 'web'));
    await group('.dockerignore keeps dependencies, builds and credentials out of the build context', () => dockerignoreProblems());
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main()
  .catch((error) => {
    failed++;
    console.log(`not ok - lint-deploy could not run: ${error instanceof Error ? error.stack : String(error)}`);
  })
  .finally(() => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed > 0 ? 1 : 0);
  });
