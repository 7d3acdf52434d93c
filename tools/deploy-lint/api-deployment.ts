/** The API's Deployment: replicas, health probes, the logs volume, credentials from the Secret, a PDB. */
import { configMapValues, get, selectorMatches, type Obj } from './objects';

export function apiProblems(objects: Obj[]): string[] {
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
