/**
 * The bench's generated data: one InfluxDB database per cluster size, written by the demo-cluster
 * simulator (`@kube-monitoring/simulator`, Heapster schema, 60 s) with a progress bar. The data
 * directory is kept under tmp/bench/datasets/, keyed by the dataset definition and the simulator's
 * source, so a second run with the same definition skips the seeding (`--fresh` forces it).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { SingleBar } from 'cli-progress';

import { CLUSTER_PROFILES, ClusterSimulator, HeapsterWriter } from '@kube-monitoring/simulator';

import { BENCH_TMP, ROOT } from './build';
import { HttpTarget } from './http';

/** What the usage report reads (cpu, memory, GPU memory), at the two levels the API reads. */
export const DATASET_METRICS = ['cpu/usage_rate', 'memory/usage', 'gpu/usage'] as const;
const DATASET_LEVELS = ['pod', 'pod_container'] as const;
const SEED = 7;
const BATCH_LINES = 10_000;
const WRITES_IN_FLIGHT = 3;

export interface DatasetSpec {
  /** Database name. */
  db: string;
  /** Service pods running at once (the simulator's `benchmark` profile, rollouts included). */
  pods: number;
  /** Written period, ISO-8601. */
  from: string;
  to: string;
}

export interface SeededDataset extends DatasetSpec {
  lines: number;
  /** Distinct (namespace, pod) pairs over the written period. */
  podNames: number;
  namespaces: string[];
  /** Namespace with the most pods (used for `pod-by-namespace` and raw queries). */
  busiestNamespace: string;
}

function simulator(spec: DatasetSpec): ClusterSimulator {
  return new ClusterSimulator({ seed: SEED, profile: { ...CLUSTER_PROFILES.benchmark, servicePods: spec.pods } });
}

function describe(spec: DatasetSpec): Omit<SeededDataset, 'lines'> {
  const lives = simulator(spec).lives({ from: spec.from, to: spec.to });
  const byNs = new Map<string, Set<string>>();
  for (const l of lives) {
    const set = byNs.get(l.pod.namespace) ?? new Set<string>();
    set.add(l.pod.name);
    byNs.set(l.pod.namespace, set);
  }
  const namespaces = [...byNs.keys()].sort();
  const busiest = [...byNs.entries()].sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]))[0]?.[0] ?? 'default';
  return { ...spec, podNames: [...byNs.values()].reduce((a, s) => a + s.size, 0), namespaces, busiestNamespace: busiest };
}

/** Content hash of the definition and of everything that shapes the generated lines. */
export function datasetKey(specs: readonly DatasetSpec[]): string {
  const hash = createHash('sha256').update(JSON.stringify({ specs, metrics: DATASET_METRICS, levels: DATASET_LEVELS, seed: SEED }));
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) visit(path);
      else if (entry.endsWith('.ts') && !entry.endsWith('.spec.ts')) hash.update(entry).update(readFileSync(path));
    }
  };
  visit(join(ROOT, 'libs/simulator/src'));
  visit(join(ROOT, 'libs/contract/src'));
  return hash.digest('hex').slice(0, 12);
}

/** Where the InfluxDB data of this definition lives; removes directories of older definitions of the same mode. */
export function datasetDir(mode: string, key: string, fresh: boolean): { dir: string; ready: boolean } {
  const root = join(BENCH_TMP, 'datasets');
  const name = `${mode}-${key}`;
  if (existsSync(root)) {
    for (const entry of readdirSync(root)) {
      if (entry.startsWith(`${mode}-`) && (entry !== name || fresh)) rmSync(join(root, entry), { recursive: true, force: true });
    }
  }
  const dir = join(root, name);
  return { dir, ready: existsSync(join(dir, 'bench-dataset.json')) };
}

export function readSeeded(dir: string): SeededDataset[] {
  return JSON.parse(readFileSync(join(dir, 'bench-dataset.json'), 'utf8')) as SeededDataset[];
}

async function postForm(influx: HttpTarget, q: string): Promise<void> {
  const r = await influx.send(
    { method: 'POST', path: '/query', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ q }).toString() },
    { keepText: true },
  );
  if (r.status !== 200 || (r.text ?? '').includes('"error"')) throw new Error(`${q} failed: ${r.status} ${r.text ?? ''}`);
}

/** Writes every dataset into the InfluxDB at `influxUrl`, with a progress bar per database. */
export async function seedDatasets(influxUrl: string, specs: readonly DatasetSpec[], dir: string, log: (m: string) => void): Promise<SeededDataset[]> {
  const influx = new HttpTarget(influxUrl, WRITES_IN_FLIGHT + 1);
  const out: SeededDataset[] = [];
  try {
    for (const spec of specs) {
      const info = describe(spec);
      log(`seeding ${spec.db}: ${spec.pods} pods at once (${info.podNames} pod names), ${spec.from} → ${spec.to}, ${DATASET_METRICS.join(', ')}`);
      await postForm(influx, `DROP DATABASE "${spec.db}"`);
      await postForm(influx, `CREATE DATABASE "${spec.db}"`);
      const lines = await writeAll(influx, spec);
      out.push({ ...info, lines });
    }
  } finally {
    influx.close();
  }
  writeFileSync(join(dir, 'bench-dataset.json'), JSON.stringify(out, null, 2));
  return out;
}

async function writeAll(influx: HttpTarget, spec: DatasetSpec): Promise<number> {
  const fromS = Date.parse(spec.from) / 1000;
  const toS = Date.parse(spec.to) / 1000;
  const bar = new SingleBar({
    format: `  ${spec.db.padEnd(12)} [{bar}] {percentage}% | {lines} lines | {rate} lines/s | ETA {eta_formatted}`,
    barsize: 30,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 5000,
    etaBuffer: 50,
  });
  bar.start(1000, 0, { lines: 0, rate: 0 });
  const started = Date.now();
  const writer = new HeapsterWriter({ metrics: [...DATASET_METRICS], levels: [...DATASET_LEVELS] });
  const inFlight = new Set<Promise<void>>();
  let lines = 0;
  let failure: Error | undefined;
  try {
    for (const batch of simulator(spec).batches({ from: spec.from, to: spec.to, writer, batchSize: BATCH_LINES })) {
      if (failure) throw failure;
      const body = batch.lines.join('\n');
      const last = batch.lines[batch.lines.length - 1] ?? '';
      const t = Number(last.slice(last.lastIndexOf(' ') + 1));
      const p: Promise<void> = influx
        .send({ method: 'POST', path: `/write?db=${encodeURIComponent(spec.db)}&precision=s`, headers: { 'content-type': 'text/plain' }, body }, { keepText: true })
        .then(
          (r) => {
            if (r.status !== 204) failure = new Error(`writing to ${spec.db} failed: ${r.status} ${r.text ?? ''}`);
          },
          (e: unknown) => {
            failure = e instanceof Error ? e : new Error(String(e));
          },
        )
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      lines += batch.lines.length;
      if (Number.isFinite(t)) {
        const rate = Math.round(lines / Math.max(0.001, (Date.now() - started) / 1000));
        bar.update(Math.min(999, Math.round(((t - fromS) / (toS - fromS)) * 1000)), { lines, rate });
      }
      if (inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
    bar.update(1000, { lines, rate: Math.round(lines / Math.max(0.001, (Date.now() - started) / 1000)) });
  } finally {
    bar.stop();
  }
  return lines;
}
