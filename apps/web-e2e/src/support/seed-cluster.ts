/**
 * Seeds InfluxDB with the simulator's demo cluster for the browser suites, the same data on every run:
 * the simulated period [T0 − days, T0) is fixed (T0 is found from a fixed anchor, see below) and its
 * timestamps are moved forward by whole minutes so that it ends at the current minute. The dashboard's
 * "last hour" therefore always shows the same pods and values, whatever the time of the run.
 *
 * Only the main metrics are written (the dashboard's pages), which keeps seeding to a few seconds.
 *
 *   tsx --tsconfig apps/web-e2e/tsconfig.json apps/web-e2e/src/support/seed-cluster.ts --url http://127.0.0.1:PORT --db k8s [--days 2]
 *
 * Prints one JSON line (SeedInfo) on stdout; the global setup runs it as a child process.
 */
import { ClusterSimulator, HeapsterWriter, type PodLife } from '@kube-monitoring/simulator';

import type { SeedInfo } from './seed-info';

export const SEED = 42;
export const MAIN_METRICS = ['cpu/usage_rate', 'memory/usage', 'gpu/usage', 'uptime'] as const;
/** Where the search for T0 starts: a fixed instant, so T0 only changes when the simulator's model does. */
const ANCHOR_S = Date.UTC(2026, 0, 5, 12, 0, 0) / 1000;
const HOUR_S = 3600;
/** Namespaces that must have a GPU job running through the last WINDOW_S before T0. */
const GPU_NAMESPACES = ['cluster-3', 'lab-vision'];
const WINDOW_S = 2 * HOUR_S;

function aliveThrough(life: PodLife, from: number, to: number): boolean {
  return life.start <= from && life.stop >= to;
}

/**
 * The first whole hour T0 ≥ anchor at which each of GPU_NAMESPACES has a GPU job that has run for
 * the whole WINDOW_S before it: the GPU pages then have data in every range the suites use.
 */
export function findT0(sim: ClusterSimulator): number {
  for (let k = 0; k < 24 * 120; k++) {
    const t0 = ANCHOR_S + k * HOUR_S;
    const lives = sim.lives({ from: new Date((t0 - WINDOW_S) * 1000), to: new Date(t0 * 1000) });
    const ok = GPU_NAMESPACES.every((ns) => lives.some((l) => l.pod.kind === 'gpu-job' && l.pod.namespace === ns && aliveThrough(l, t0 - WINDOW_S - 120, t0)));
    if (ok) return t0;
  }
  throw new Error(`no instant in the 120 days after the anchor has GPU jobs running in ${GPU_NAMESPACES.join(' and ')}`);
}

/** Moves the trailing timestamp (seconds) of each line protocol line by `shift` seconds. */
export function shiftLines(lines: readonly string[], shift: number): string {
  let out = '';
  for (const line of lines) {
    const i = line.lastIndexOf(' ');
    out += `${line.slice(0, i + 1)}${Number(line.slice(i + 1)) + shift}\n`;
  }
  return out;
}

async function influx(url: string, path: string, body: string | URLSearchParams): Promise<void> {
  const r = await fetch(`${url}${path}`, { method: 'POST', body });
  if (r.status !== 204 && r.status !== 200) throw new Error(`POST ${path} answered ${r.status}: ${await r.text()}`);
  if (r.status === 200) {
    const text = await r.text();
    if (text.includes('"error"')) throw new Error(`POST ${path}: ${text}`);
  }
}

export async function seedCluster(url: string, db: string, days: number, now = new Date()): Promise<SeedInfo> {
  const started = Date.now();
  const sim = new ClusterSimulator({ seed: SEED, profile: 'demo' });
  const t0 = findT0(sim);
  const end = Math.floor(now.getTime() / 60_000) * 60;
  const shift = end - t0;
  const from = new Date((t0 - days * 86_400) * 1000);
  const to = new Date(t0 * 1000);

  await influx(url, '/query', new URLSearchParams({ q: `CREATE DATABASE "${db}"` }));
  const writer = new HeapsterWriter({ metrics: [...MAIN_METRICS] });
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let lines = 0;
  for (const batch of sim.batches({ from, to, writer, batchSize: 10_000 })) {
    if (failure) break;
    lines += batch.lines.length;
    const request: Promise<void> = influx(url, `/write?db=${encodeURIComponent(db)}&precision=s`, shiftLines(batch.lines, shift))
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
    if (inFlight.size >= 2) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;

  // Pods that ran in the last hour, per namespace, in the shifted time.
  const lastHour = sim.lives({ from: new Date((t0 - HOUR_S) * 1000), to });
  const podsLastHour: Record<string, string[]> = {};
  const gpuPodsLastHour: Record<string, string[]> = {};
  for (const life of lastHour) {
    if (life.stop <= t0 - HOUR_S) continue;
    (podsLastHour[life.pod.namespace] ??= []).push(life.pod.name);
    if (life.pod.kind === 'gpu-job') (gpuPodsLastHour[life.pod.namespace] ??= []).push(life.pod.name);
  }
  const unique = (record: Record<string, string[]>) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, [...new Set(v)].sort()]));

  return {
    from: new Date((from.getTime() / 1000 + shift) * 1000).toISOString(),
    to: new Date(end * 1000).toISOString(),
    simulatedTo: to.toISOString(),
    shiftSeconds: shift,
    lines,
    seconds: (Date.now() - started) / 1000,
    namespaces: [...sim.model.namespaces].sort(),
    podsLastHour: unique(podsLastHour),
    gpuPodsLastHour: unique(gpuPodsLastHour),
  };
}

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

if (require.main === module) {
  seedCluster(arg('url'), arg('db', 'k8s'), Number(arg('days', '2')))
    .then((info) => process.stdout.write(`${JSON.stringify(info)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`seeding failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
