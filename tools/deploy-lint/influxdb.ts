/** InfluxDB on a persistent volume, reachable (NetworkPolicy) only from the API, Grafana and Telegraf. */
import { idOf, selectorMatches, WORKLOAD_KINDS, type Obj } from './objects';

export function influxProblems(objects: Obj[]): string[] {
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
    policies.some((p) =>
      (p['spec'].ingress ?? []).some((r: Obj) => (r.from ?? []).some((f: Obj) => f.podSelector && selectorMatches(f.podSelector, w['spec']?.template?.metadata?.labels))),
    ),
  );
  const names = allowed.map((w) => w['metadata'].name).sort();
  for (const needed of ['api', 'grafana', 'telegraf']) if (!names.includes(needed)) problems.push(`${needed} may not reach InfluxDB (NetworkPolicy)`);
  for (const n of names) if (!['api', 'grafana', 'telegraf'].includes(n)) problems.push(`${n} may reach InfluxDB but should not`);
  return problems;
}
