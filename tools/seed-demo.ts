/**
 * Seeds InfluxDB with a simulated demo cluster (the last N days up to now), and optionally keeps
 * writing the newest samples every minute.
 *
 *   tsx --tsconfig tools/tsconfig.json tools/seed-demo.ts --url http://127.0.0.1:8086 --db k8s [--days 1] [--schema heapster] [--live]
 *
 * Library use: seedDemo(options, onProgress) and startLiveWriter(url, db, intervalMs).
 */
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';

import { InfluxClient } from '@kube-monitoring/influx';
import { ClusterSimulator, HeapsterWriter, TelegrafWriter, type ClusterProfile, type LineBatch, type ProfileName, type SchemaWriter } from '@kube-monitoring/simulator';

export const SUPPORTED_SCHEMAS = ['heapster', 'telegraf'] as const;
export type SchemaName = (typeof SUPPORTED_SCHEMAS)[number];

/** One day of the demo cluster is about 2.9 M points: roughly 10 s on 2 idle cores (README: "Seeding InfluxDB"). */
export const DEFAULT_DAYS = 1;
export const DEFAULT_SEED = 42;
export const DEFAULT_PROFILE: ProfileName = 'demo';

export interface SeedOptions {
  /** InfluxDB base URL, e.g. http://127.0.0.1:8086 */
  url: string;
  db: string;
  /** Days of history up to `until`. Default DEFAULT_DAYS. */
  days?: number;
  /** End of the seeded period (exclusive). Default: now. */
  until?: Date;
  schema?: SchemaName;
  seed?: number;
  profile?: ProfileName | Partial<ClusterProfile>;
  username?: string;
  password?: string;
  /** Write requests in flight at once. Default 2: InfluxDB uses the other core while we generate. */
  concurrency?: number;
  /** Lines per write request. Default 5000. */
  batchSize?: number;
}

export interface SeedProgress {
  /** Share of the period written, 0..1. */
  fraction: number;
  lines: number;
  requests: number;
}

export interface SeedResult {
  from: Date;
  to: Date;
  lines: number;
  requests: number;
  seconds: number;
  linesPerSecond: number;
}

export function writerFor(schema: SchemaName): SchemaWriter {
  switch (schema) {
    case 'heapster':
      return new HeapsterWriter({ acceleratorMetrics: true });
    case 'telegraf':
      // What deploy/k8s's Telegraf DaemonSet collects: kubelet stats, kube_inventory requests/limits and node allocatable,
      // dcgm-exporter, kube-state-metrics' GPU requests and GPU capacity.
      return new TelegrafWriter();
  }
}

/** Creates the database, then writes every simulated sample of the period, `concurrency` requests at a time. */
export async function seedDemo(options: SeedOptions, onProgress?: (progress: SeedProgress) => void): Promise<SeedResult> {
  const days = options.days ?? DEFAULT_DAYS;
  if (!(days > 0)) throw new RangeError(`days must be positive, got ${days}`);
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const to = options.until ?? new Date();
  const from = new Date(to.getTime() - days * 86_400_000);
  const sim = new ClusterSimulator({ seed: options.seed ?? DEFAULT_SEED, profile: options.profile ?? DEFAULT_PROFILE });
  const client = connect(options.url, options.db, options);
  const started = process.hrtime.bigint();
  let lines = 0;
  let requests = 0;
  try {
    await client.createDatabase();
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    const span = (to.getTime() - from.getTime()) / 1000;
    let reported = 0;
    for (const batch of sim.batches({ from, to, writer: writerFor(options.schema ?? 'heapster'), batchSize: options.batchSize ?? 5000 })) {
      if (failure) break;
      const fraction = batch.late ? 1 : Math.min(1, (lastTimestamp(batch) - from.getTime() / 1000) / span);
      const request: Promise<void> = client
        .write(batch.lines, 's')
        .then(() => {
          lines += batch.lines.length;
          requests += 1;
          // Parallel requests may finish out of order: never report going backwards.
          reported = Math.max(reported, fraction);
          onProgress?.({ fraction: reported, lines, requests });
        })
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
    onProgress?.({ fraction: 1, lines, requests });
  } finally {
    client.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { from, to, lines, requests, seconds, linesPerSecond: lines / seconds };
}

export interface LiveWriterOptions {
  seed?: number;
  profile?: ProfileName | Partial<ClusterProfile>;
  schema?: SchemaName;
  username?: string;
  password?: string;
  /** Also write the scrapes since this time first (e.g. the end of the seeded period). */
  since?: Date;
  /** Told after every write (lines written, scrape time); default silent. */
  onWrite?: (lines: number, time: Date) => void;
  /** Told when a write fails; the writer keeps going. Default: console.error. */
  onError?: (error: unknown) => void;
}

/**
 * Writes the newest samples of the demo cluster now and then every `intervalMs`, continuing the
 * cluster seedDemo wrote (same seed and profile). Returns a function that stops it.
 */
export function startLiveWriter(url: string, db: string, intervalMs = 60_000, options: LiveWriterOptions = {}): () => Promise<void> {
  const sim = new ClusterSimulator({ seed: options.seed ?? DEFAULT_SEED, profile: options.profile ?? DEFAULT_PROFILE });
  const schema = options.schema ?? 'heapster';
  const feed = sim.liveFeed(writerFor(schema));
  const client = connect(url, db, options);
  const onError = options.onError ?? ((error: unknown) => console.error('live writer:', error));
  let backfillFrom = options.since;
  let databaseReady = false;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const tick = async () => {
    if (!databaseReady) {
      // Idempotent; lets the live writer also run on its own, without a seeding first.
      await client.createDatabase();
      databaseReady = true;
    }
    const now = new Date();
    // First tick after seeding: write what happened since the seeded period ended.
    if (backfillFrom !== undefined) {
      // Up to (not including) the latest scrape, which the live feed writes.
      const latest = new Date(sim.schedule.time(sim.schedule.firstAfter(Math.floor(now.getTime() / 1000)) - 1) * 1000);
      // Nothing to backfill when the seeding ended within the latest scrape window.
      if (latest.getTime() > backfillFrom.getTime()) {
        for (const batch of sim.batches({ from: backfillFrom, to: latest, writer: writerFor(schema) })) {
          await client.write(batch.lines, 's');
        }
      }
      backfillFrom = undefined;
    }
    const { lines, time } = feed.samplesAt(now);
    if (lines.length > 0) {
      await client.write(lines, 's');
      options.onWrite?.(lines.length, time);
    }
  };
  const run = () => {
    if (stopped) return;
    running = running.then(tick).catch(onError);
  };

  run();
  const timer = setInterval(run, intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
    client.close();
  };
}

function connect(url: string, db: string, auth: { username?: string; password?: string }): InfluxClient {
  // Large write batches can take InfluxDB a while while it compacts: be patient.
  return new InfluxClient({ url, database: db, username: auth.username, password: auth.password, timeoutMs: 60_000 });
}

/** Timestamp (seconds) of the last line of a batch: the stream is in time order, so this tracks progress. */
function lastTimestamp(batch: LineBatch): number {
  const line = batch.lines[batch.lines.length - 1] ?? '';
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

// ---------------------------------------------------------------------------------------------
// CLI

interface CliFlags {
  url: string;
  db: string;
  days: number;
  schema: SchemaName;
  seed: number;
  profile: ProfileName;
  concurrency: number;
  live: boolean;
  username?: string;
  password?: string;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('seed-demo')
    .description('Seed InfluxDB with a simulated Kubernetes cluster (Heapster or Telegraf schema).')
    .requiredOption('--url <url>', 'InfluxDB base URL, e.g. http://127.0.0.1:8086')
    .option('--db <name>', 'database to create and fill', 'k8s')
    .option('--days <n>', 'days of history up to now', positiveNumber, DEFAULT_DAYS)
    .option(
      '--schema <name>',
      `storage schema (${SUPPORTED_SCHEMAS.join(', ')})`,
      (value: string) => {
        if (!(SUPPORTED_SCHEMAS as readonly string[]).includes(value)) {
          throw new InvalidArgumentError(`supported: ${SUPPORTED_SCHEMAS.join(', ')}`);
        }
        return value as SchemaName;
      },
      'heapster',
    )
    .option('--seed <n>', 'random seed of the cluster', integer, DEFAULT_SEED)
    .option('--profile <name>', 'cluster profile (demo, tiny, benchmark)', DEFAULT_PROFILE)
    .option('--concurrency <n>', 'write requests in flight', integer, 2)
    .option('--username <user>', 'InfluxDB user (default: $INFLUXDB_USER)', process.env['INFLUXDB_USER'])
    .option('--password <password>', 'InfluxDB password (default: $INFLUXDB_PASS)', process.env['INFLUXDB_PASS'])
    .option('--live', 'after seeding, keep writing the newest samples every 60 s until interrupted', false);
  program.parse(argv);
  const flags = program.opts<CliFlags>();

  const bar = new SingleBar({
    format: 'seeding {bar} {percentage}% | {lines} lines | {rate} lines/s | ETA {eta_formatted}',
    hideCursor: true,
  });
  const startedAt = Date.now();
  bar.start(100, 0, { lines: 0, rate: 0 });
  let result: SeedResult;
  try {
    result = await seedDemo(
      {
        url: flags.url,
        db: flags.db,
        days: flags.days,
        schema: flags.schema,
        seed: flags.seed,
        profile: flags.profile,
        concurrency: flags.concurrency,
        username: flags.username,
        password: flags.password,
      },
      ({ fraction, lines }) => {
        const rate = Math.round(lines / Math.max(0.001, (Date.now() - startedAt) / 1000));
        bar.update(Math.round(fraction * 100), { lines, rate });
      },
    );
  } finally {
    bar.stop();
  }
  console.log(
    `seeded ${result.lines} points (${result.from.toISOString()} … ${result.to.toISOString()}) into ` +
      `${flags.url} db "${flags.db}" in ${result.seconds.toFixed(1)} s (${Math.round(result.linesPerSecond)} points/s)`,
  );

  if (!flags.live) return;
  const stop = startLiveWriter(flags.url, flags.db, 60_000, {
    seed: flags.seed,
    profile: flags.profile,
    schema: flags.schema,
    username: flags.username,
    password: flags.password,
    since: result.to,
    onWrite: (lines, time) => console.log(`live: ${lines} points at ${time.toISOString()}`),
  });
  console.log('writing live samples every 60 s; Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    const finish = () => void stop().then(resolve);
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
}

if (require.main === module) {
  main(process.argv).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
