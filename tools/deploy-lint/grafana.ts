/** Grafana's provisioning: an InfluxQL datasource on the API's database, dashboard providers and panels. */
import { parse as parseYaml } from 'yaml';

import { configMapValues, type Obj } from './objects';

export function grafanaProblems(objects: Obj[]): string[] {
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
