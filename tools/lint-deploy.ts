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
 *     sources, through each input's filters; deploy-lint/telegraf-schema.ts), every 60 s, to
 *     the in-cluster InfluxDB, with every ${VAR} it uses defined.
 *  5. Grafana: provisioning files, and every dashboard query run on a real InfluxDB
 *     (Debian's influxdb, installed with apt-get when missing) holding points in the
 *     shapes Telegraf, dcgm-exporter and Heapster write.
 *  6. nginx: `nginx -t` on deploy/web (Debian's nginx, installed when missing).
 *  7. Dockerfiles: dockerfile-utils' linter plus the project's rules (pinned bases,
 *     npm ci, production-only dependencies, non-root USER, HEALTHCHECK, logs directory,
 *     COPY sources present and not excluded by .dockerignore).
 * Prints one line per check, the problems under it, and "N passed, N failed"; exits 1 on
 * any problem. Each check is a module of tools/deploy-lint/; this file renders and runs them.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { apiProblems } from './deploy-lint/api-deployment';
import { configurationProblems } from './deploy-lint/configuration';
import { secretTemplateProblems } from './deploy-lint/credentials';
import { dockerfileProblems } from './deploy-lint/dockerfiles';
import { dockerignoreProblems } from './deploy-lint/dockerignore';
import { grafanaProblems } from './deploy-lint/grafana';
import { dashboardQueryProblems } from './deploy-lint/grafana-queries';
import { influxProblems } from './deploy-lint/influxdb';
import { renderKustomization } from './deploy-lint/kustomize';
import { nginxProblems } from './deploy-lint/nginx';
import { idOf, type Obj } from './deploy-lint/objects';
import { securityProblems } from './deploy-lint/pod-security';
import { referenceProblems } from './deploy-lint/references';
import { findKustomize, firstDifference, normalizeSecrets } from './deploy-lint/rendering';
import { schemaProblems, strictFieldProblems } from './deploy-lint/schema';
import { telegrafProblems } from './deploy-lint/telegraf';
import { DEPLOY, K8S, ROOT, walk } from './deploy-lint/workspace';
import { Checklist } from './lib/checklist';

const checks = new Checklist();

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
    checks.note(
      kustomize
        ? `kustomize: ${kustomize.join(' ')} (${
            spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' })
              .stdout.split('\n')
              .find((l) => /Kustomize/.test(l)) ?? ''
          })`
        : 'no kustomize binary (kubectl kustomize): rendering with the built-in renderer only',
    );

    const rendered = new Map<string, Obj[]>();
    for (const dir of kustomizations) {
      const label = relative(copy, dir);
      let own: Obj[] | undefined;
      await checks.problems(`render ${label} (built-in kustomize renderer)`, () => {
        own = renderKustomization(dir);
        return own.length ? [] : ['renders no object'];
      });
      let objects = own;
      if (kustomize) {
        await checks.problems(`render ${label} with ${kustomize.join(' ')}; identical to the built-in renderer`, () => {
          const r = spawnSync(kustomize[0], [...kustomize.slice(1), dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
          if (r.status !== 0) return [r.stderr.trim()];
          const theirs = normalizeSecrets(
            parseAllDocuments(r.stdout)
              .map((d) => d.toJS() as Obj)
              .filter(Boolean),
          );
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
      await checks.problems(`${label}: ${objects.length} objects valid against the Kubernetes OpenAPI schema (kubernetes-models)`, () => schemaProblems(objects));
      await checks.problems(`${label}: no unknown fields (TypeScript excess-property check against kubernetes-types)`, () => strictFieldProblems(objects, work));
      await checks.problems(`${label}: restricted pod security, read-only root filesystems, resources, pinned images, probes`, () => securityProblems(objects));
      await checks.problems(`${label}: references resolve (ConfigMaps, Secrets, keys, volumes, Services, ports, Ingress, NetworkPolicies, RBAC)`, () =>
        referenceProblems(objects, allowMissing),
      );
      await checks.problems(`${label}: API Deployment (replicas >= 2, health probes, logs volume, credentials from the Secret, PDB)`, () => apiProblems(objects));
      await checks.problems(`${label}: InfluxDB on a persistent volume, reachable only from api, grafana and telegraf`, () => influxProblems(objects));
      await checks.problems(`${label}: Telegraf writes what the API reads (telegraf.conf, env, RBAC)`, () => telegrafProblems(objects));
      await checks.problems(`${label}: Grafana provisioning (InfluxQL datasource on database k8s, dashboards)`, () => grafanaProblems(objects));
      if (!isBase) await checks.problems(`${label}: API environment matches app-config.ts and README.md (Configuration)`, () => configurationProblems(objects));
    }

    await checks.problems('credentials: only a CHANGE_ME template (.example) is committed, never secrets.env or a Secret', () => secretTemplateProblems());

    const dashboards = walk(join(K8S, 'base/grafana/dashboards')).filter((f) => f.endsWith('.json'));
    if (skipInflux) checks.note('--no-influx: dashboard queries not run');
    else {
      for (const d of dashboards) {
        await checks.problems(`${relative(ROOT, d)}: every query runs on InfluxDB and returns the expected figures on collector-shaped data`, () => dashboardQueryProblems(d));
      }
    }

    await checks.problems('deploy/web: nginx -t accepts the web image configuration', () => nginxProblems(work));
    await checks.problems('Dockerfile.api: lint (dockerfile-utils) and project rules', () => dockerfileProblems('Dockerfile.api', 'api'));
    await checks.problems('Dockerfile.web: lint (dockerfile-utils) and project rules', () => dockerfileProblems('Dockerfile.web', 'web'));
    await checks.problems('.dockerignore keeps dependencies, builds and credentials out of the build context', () => dockerignoreProblems());
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main()
  .catch((error) => checks.abort('lint-deploy', error))
  .finally(() => process.exit(checks.summary()));
