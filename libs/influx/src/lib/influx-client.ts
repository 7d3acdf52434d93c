import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

import { HttpError, InfluxDB, RequestTimedOutError } from '@influxdata/influxdb-client';

import { readJsonLines } from './chunked-json-reader';
import { InfluxQueryError, InfluxTimeoutError, InfluxUnreachableError } from './influx-errors';
import { InfluxQuery, InfluxSeries } from './influx-query';
import { quoteIdentifier } from './identifiers';

export interface InfluxConnectionOptions {
  /** Base URL, e.g. `http://influxdb:8086`. */
  url: string;
  database: string;
  username?: string;
  password?: string;
  /** Socket idle timeout per request, ms. */
  timeoutMs?: number;
  /** Observer of query durations (Prometheus histogram in the API). */
  onQuery?: (kind: 'query' | 'stream' | 'write', seconds: number, ok: boolean) => void;
}

export type WritePrecision = 'ns' | 'u' | 'ms' | 's';

interface QueryResultDocument {
  results?: { statement_id?: number; series?: InfluxSeries[]; error?: string; partial?: boolean }[];
  error?: string;
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
]);

/**
 * Talks to InfluxDB through its v1 HTTP API (`/query` InfluxQL, `/write` line protocol), which
 * InfluxDB 1.x, 2.x (v1 compatibility) and 3.x all serve. Transport: `@influxdata/influxdb-client`,
 * with keep-alive connections. Every value travels as a bound parameter (`params=`).
 */
export class InfluxClient {
  private readonly influx: InfluxDB;
  private readonly database: string;
  private readonly onQuery: InfluxConnectionOptions['onQuery'];
  private readonly agent: HttpAgent;

  constructor(options: InfluxConnectionOptions) {
    const https = options.url.startsWith('https:');
    this.agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 64 }) : new HttpAgent({ keepAlive: true, maxSockets: 64 });
    const headers: Record<string, string> = {};
    if (options.username) {
      // Basic auth works on 1.x (including 1.6, which predates the `Token user:pass` scheme), 2.x and 3.x.
      headers['authorization'] = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
    }
    this.influx = new InfluxDB({
      url: options.url,
      timeout: options.timeoutMs ?? 10000,
      headers,
      transportOptions: { agent: this.agent },
    });
    this.database = options.database;
    this.onQuery = options.onQuery;
  }

  /** Runs one statement and returns its series. */
  async query(query: InfluxQuery): Promise<InfluxSeries[]> {
    const started = process.hrtime.bigint();
    let ok = false;
    try {
      const doc = (await this.call(() =>
        this.influx.transport.request('/query', this.form(query, false), this.formOptions()),
      )) as QueryResultDocument;
      const series = this.seriesOf(doc);
      ok = true;
      return series;
    } finally {
      this.observe('query', started, ok);
    }
  }

  /**
   * Runs one statement with `chunked=true` and yields series pieces as InfluxDB sends them,
   * so memory stays bounded by one chunk whatever the number of points. Pieces of the same
   * series arrive consecutively (InfluxDB orders by series, then time).
   */
  async *stream(query: InfluxQuery, chunkSize = 10000): AsyncGenerator<InfluxSeries> {
    const started = process.hrtime.bigint();
    let ok = false;
    try {
      const bytes = this.influx.transport.iterate('/query', this.form(query, true, chunkSize), this.formOptions());
      const docs = readJsonLines(this.guardIterable(bytes));
      for await (const doc of docs) {
        for (const s of this.seriesOf(doc as QueryResultDocument)) yield s;
      }
      ok = true;
    } catch (e) {
      throw this.map(e);
    } finally {
      this.observe('stream', started, ok);
    }
  }

  /** Writes line-protocol lines in one request. */
  async write(lines: readonly string[], precision: WritePrecision = 's'): Promise<void> {
    if (lines.length === 0) return;
    const started = process.hrtime.bigint();
    let ok = false;
    try {
      const path = `/write?db=${encodeURIComponent(this.database)}&precision=${precision}`;
      await this.call(() =>
        this.influx.transport.request(path, lines.join('\n'), {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        }),
      );
      ok = true;
    } finally {
      this.observe('write', started, ok);
    }
  }

  /** `GET /ping`: true when InfluxDB answers. */
  async ping(): Promise<boolean> {
    try {
      await this.call(() => this.influx.transport.request('/ping', '', { method: 'GET' }));
      return true;
    } catch {
      return false;
    }
  }

  async createDatabase(): Promise<void> {
    const text = `CREATE DATABASE ${quoteIdentifier(this.database)}`;
    await this.call(() =>
      this.influx.transport.request('/query', new URLSearchParams({ q: text }).toString(), this.formOptions()),
    );
  }

  /** Closes idle keep-alive sockets (graceful shutdown). */
  close(): void {
    this.agent.destroy();
  }

  private form(query: InfluxQuery, chunked: boolean, chunkSize?: number): string {
    const body = new URLSearchParams({ db: this.database, q: query.text, epoch: 'ms' });
    if (Object.keys(query.params).length > 0) body.set('params', JSON.stringify(query.params));
    if (chunked) {
      body.set('chunked', 'true');
      body.set('chunk_size', String(chunkSize ?? 10000));
    }
    return body.toString();
  }

  private formOptions() {
    return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }

  private seriesOf(doc: QueryResultDocument | undefined): InfluxSeries[] {
    if (!doc) return [];
    if (doc.error) throw new InfluxQueryError(doc.error);
    const out: InfluxSeries[] = [];
    for (const r of doc.results ?? []) {
      if (r.error) throw new InfluxQueryError(r.error);
      if (r.series) out.push(...r.series);
    }
    return out;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.map(e);
    }
  }

  private async *guardIterable(it: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      for await (const c of it) yield c;
    } catch (e) {
      throw this.map(e);
    }
  }

  private map(e: unknown): Error {
    if (e instanceof InfluxQueryError || e instanceof InfluxTimeoutError || e instanceof InfluxUnreachableError) return e;
    if (e instanceof RequestTimedOutError) return new InfluxTimeoutError('InfluxDB did not answer in time');
    if (e instanceof HttpError) {
      const detail = extractError(e.body) ?? e.statusMessage ?? `HTTP ${e.statusCode}`;
      return new InfluxQueryError(`InfluxDB answered ${e.statusCode}: ${detail}`, e.statusCode);
    }
    const code = (e as { code?: string } | null)?.code;
    if (code && NETWORK_ERROR_CODES.has(code)) return new InfluxUnreachableError(`cannot connect to InfluxDB (${code})`);
    if (e instanceof SyntaxError) return new InfluxQueryError(`InfluxDB sent an unreadable answer: ${e.message}`);
    if (e instanceof Error && /abort|socket hang up/i.test(e.message)) return new InfluxUnreachableError(`connection to InfluxDB lost: ${e.message}`);
    return new InfluxQueryError(e instanceof Error ? e.message : String(e));
  }

  private observe(kind: 'query' | 'stream' | 'write', started: bigint, ok: boolean): void {
    if (!this.onQuery) return;
    this.onQuery(kind, Number(process.hrtime.bigint() - started) / 1e9, ok);
  }
}

function extractError(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { error?: string };
    return parsed.error;
  } catch {
    return body.slice(0, 200);
  }
}
