/** A throwaway InfluxDB for the simulator's integration specs: start it, query it, fill it from a simulation. */
import { InfluxDB } from '@influxdata/influxdb-client';

import { startInfluxDb, type InfluxHandle } from '@kube-monitoring/testing';

import type { ClusterSimulator } from '../lib/cluster-simulator';
import type { SchemaWriter } from '../lib/schema-writer';
import { at } from './spec-helpers';

export interface QueryResponse {
  results: Array<{ error?: string; series?: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }> }>;
}

export interface TestInflux {
  readonly handle: InfluxHandle;
  /** Runs InfluxQL with bound parameters (epoch seconds); an error in the answer throws. */
  query(db: string, q: string, params?: Record<string, string>): Promise<QueryResponse>;
  /** Writes the simulation of (from, to] (the sample at `to` included) with `writer`; returns the lines written. */
  writeSimulation(db: string, sim: ClusterSimulator, period: { from: Date; to: Date }, writer: SchemaWriter): Promise<number>;
  stop(): Promise<void>;
}

export async function startTestInflux(): Promise<TestInflux> {
  const handle = await startInfluxDb();
  const client = new InfluxDB({ url: handle.url });
  const post = (path: string, body: string, contentType: string) => client.transport.request(path, body, { method: 'POST', headers: { 'content-type': contentType } });
  const query = async (db: string, q: string, params: Record<string, string> = {}): Promise<QueryResponse> => {
    const body = new URLSearchParams({ db, q, epoch: 's', params: JSON.stringify(params) }).toString();
    const response = (await post('/query', body, 'application/x-www-form-urlencoded')) as QueryResponse;
    const error = response.results.find((r) => r.error)?.error;
    if (error) throw new Error(error);
    return response;
  };
  return {
    handle,
    query,
    async writeSimulation(db, sim, period, writer) {
      await query(db, `CREATE DATABASE "${db}"`);
      let written = 0;
      for (const batch of sim.batches({ from: period.from, to: at(period.to, 1), writer })) {
        await post(`/write?db=${encodeURIComponent(db)}&precision=s`, batch.lines.join('\n'), 'text/plain; charset=utf-8');
        written += batch.lines.length;
      }
      return written;
    },
    stop: () => handle.stop(),
  };
}
