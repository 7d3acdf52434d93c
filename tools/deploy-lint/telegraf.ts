/**
 * Telegraf's DaemonSet and telegraf.conf (TOML): it writes what the API reads (telegraf-schema.ts),
 * every 60 s, to the in-cluster InfluxDB, with every ${VAR} defined and the RBAC its plugins need.
 */
import { parse as parseToml } from 'smol-toml';

import type { Obj } from './objects';
import { telegrafSchemaProblems } from './telegraf-schema';

export function telegrafProblems(objects: Obj[]): string[] {
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
    // node_name filters pods and (Telegraf 1.29+) nodes; every other resource is cluster-wide.
    if ((inv['resource_include'] ?? []).some((r: string) => r !== 'pods' && r !== 'nodes'))
      problems.push('inputs.kube_inventory collects more than pods and nodes (cluster-wide objects would be written once per node)');
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
      else if (!(svc['spec'].ports ?? []).some((p: Obj) => String(p.port) === url.port))
        problems.push(`outputs.influxdb url ${u}: Service ${url.hostname} has no port ${url.port}`);
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
  const can = (resource: string, verb: string) =>
    rules.some((r: Obj) => (r.apiGroups ?? []).includes('') && (r.resources ?? []).includes(resource) && (r.verbs ?? []).includes(verb));
  for (const [res, verb] of [
    ['nodes/stats', 'get'],
    ['nodes/proxy', 'get'],
    ['pods', 'list'],
    ['pods', 'watch'],
    ...((inv?.['resource_include'] ?? []).includes('nodes') ? [['nodes', 'list']] : []),
    ['namespaces', 'list'],
    ['namespaces', 'watch'],
  ]) {
    if (!can(res, verb)) problems.push(`the telegraf ServiceAccount may not ${verb} ${res}`);
  }
  if (pod.automountServiceAccountToken === false) problems.push('telegraf needs its service-account token mounted');
  if (!(pod.tolerations ?? []).some((t: Obj) => t.operator === 'Exists' && !t.key)) problems.push('telegraf does not tolerate tainted (e.g. GPU) nodes');
  return problems;
}
