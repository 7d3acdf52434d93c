/**
 * Writes a scenario's simulated cluster into a real InfluxDB database, streaming the simulator's
 * batches (memory bounded by one batch) with a few writes in flight.
 */
import { InfluxClient } from '@kube-monitoring/influx';
import { ClusterSimulator, HeapsterWriter } from '@kube-monitoring/simulator';

import { ACCOUNTED_METRICS, Scenario } from './scenarios';

export interface LoadedScenario {
  scenario: Scenario;
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
}

export async function loadScenario(influxUrl: string, scenario: Scenario, options: LoadOptions = {}): Promise<LoadedScenario> {
  const database = options.database ?? `acc_${scenario.name.replace(/-/g, '_')}`;
  const writeLines = options.writeLines ?? WRITE_LINES;
  const client = new InfluxClient({ url: influxUrl, database, timeoutMs: 120_000 });
  try {
    await client.createDatabase();
    const simulator = new ClusterSimulator(scenario.simulation);
    const writer = new HeapsterWriter({ metrics: [...ACCOUNTED_METRICS], levels: ['pod_container', 'pod', 'ns'], ...scenario.writer });
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
    return { scenario, simulator, database, points, writeSeconds: (Date.now() - started) / 1000 };
  } finally {
    client.close();
  }
}
