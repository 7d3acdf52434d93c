/**
 * Writes a scenario's simulated cluster into a real InfluxDB database, in the Heapster or the
 * Telegraf schema, streaming the simulator's batches (memory bounded by one batch) with a few writes
 * in flight.
 */
import { InfluxClient, StorageSchema } from '@kube-monitoring/influx';
import { ClusterSimulator, HeapsterWriter, SchemaWriter, TelegrafWriter } from '@kube-monitoring/simulator';

import { ACCOUNTED_METRICS, ALLOCATION_METRICS, NODE_METRICS, Scenario } from './scenarios';

export interface LoadedScenario {
  scenario: Scenario;
  schema: StorageSchema;
  simulator: ClusterSimulator;
  database: string;
  points: number;
  writeSeconds: number;
}

const IN_FLIGHT = 3;
const WRITE_LINES = 5000;

export interface LoadOptions {
  database?: string;
  /** Called after each write with the points written so far. */
  onProgress?: (points: number) => void;
  /** Lines per write request (default 5000). */
  writeLines?: number;
  /** Storage schema of the lines (default heapster). */
  schema?: StorageSchema;
}

/**
 * The accounted metrics and what pods hold: Heapster's measurements with the GPU requests, or
 * Telegraf's containers, GPUs, the inventory's requests and kube-state-metrics' GPU requests.
 */
function writerFor(schema: StorageSchema, scenario: Scenario): SchemaWriter {
  if (schema === 'telegraf') return new TelegrafWriter({ inventory: true });
  // A scenario's own list of usage metrics (Heapster's accelerator metric) still gets what pods hold and nodes offer.
  const usage = scenario.writer?.metrics ?? ACCOUNTED_METRICS;
  return new HeapsterWriter({
    levels: ['pod_container', 'pod', 'ns', 'node'],
    gpuRequests: true,
    ...scenario.writer,
    metrics: [...usage, ...ALLOCATION_METRICS, ...NODE_METRICS],
  });
}

export async function loadScenario(influxUrl: string, scenario: Scenario, options: LoadOptions = {}): Promise<LoadedScenario> {
  const schema = options.schema ?? 'heapster';
  const database = options.database ?? `acc_${scenario.name.replace(/-/g, '_')}${schema === 'heapster' ? '' : `_${schema}`}`;
  const writeLines = options.writeLines ?? WRITE_LINES;
  const client = new InfluxClient({ url: influxUrl, database, timeoutMs: 120_000 });
  try {
    await client.createDatabase();
    const simulator = new ClusterSimulator(scenario.simulation);
    const writer = writerFor(schema, scenario);
    const started = Date.now();
    let points = 0;
    const inflight: Promise<void>[] = [];
    let pending: string[] = [];
    const flush = async () => {
      inflight.push(client.write(pending, writer.precision));
      pending = [];
      if (inflight.length >= IN_FLIGHT) await inflight.shift();
    };
    // Late batches are small and frequent; InfluxDB groups WAL syncs per request, so requests are
    // filled up to `writeLines`. Late lines still reach the database after newer ones: they are held
    // back longer (30 scrapes) than one request spans.
    for (const batch of simulator.batches({ from: scenario.dataFrom, to: scenario.dataTo, writer, batchSize: writeLines })) {
      points += batch.lines.length;
      for (const line of batch.lines) pending.push(line);
      if (pending.length >= writeLines) {
        await flush();
        options.onProgress?.(points);
      }
    }
    if (pending.length > 0) await flush();
    await Promise.all(inflight);
    return { scenario, schema, simulator, database, points, writeSeconds: (Date.now() - started) / 1000 };
  } finally {
    client.close();
  }
}
