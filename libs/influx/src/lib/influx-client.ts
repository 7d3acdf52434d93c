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
  /**
   * Timeout per InfluxDB call, ms: the answer must start within it, counted from the call (waiting
   * for a pooled connection included), and a streamed answer may not pause longer than it.
   */
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
  private readonly timeoutMs: number;

  constructor(options: InfluxConnectionOptions) {
    const https = options.url.startsWith('https:');
    this.agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 64 }) : new HttpAgent({ keepAlive: true, maxSockets: 64 });
    const headers: Record<string, string> = {};
    if (options.username) {
      // Basic auth works on 1.x (including 1.6, which predates the `Token user:pass` scheme), 2.x and 3.x.
      headers['authorization'] = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
    }
    this.timeoutMs = options.timeoutMs ?? 10000;
    this.influx = new InfluxDB({
      url: options.url,
      timeout: this.timeoutMs,
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
      const doc = (await this.call((signal) =>
        this.influx.transport.request('/query', this.form(query, false), this.formOptions(signal)),
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
    // Until the first bytes arrive the call's deadline applies; after that, the socket's idle timeout.
    const deadline = this.deadline();
    try {
      const bytes = this.influx.transport.iterate('/query', this.form(query, true, chunkSize), this.formOptions(deadline.signal));
      const docs = readJsonLines(this.guardIterable(bytes, deadline.clear));
      for await (const doc of docs) {
        for (const s of this.seriesOf(doc as QueryResultDocument)) yield s;
      }
      ok = true;
    } catch (e) {
      throw deadline.expired() ? timeoutError() : this.map(e);
    } finally {
      deadline.clear();
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
      await this.call((signal) =>
        this.influx.transport.request(path, lines.join('\n'), {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          signal,
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
      await this.call((signal) => this.influx.transport.request('/ping', '', { method: 'GET', signal }));
      return true;
    } catch {
      return false;
    }
  }

  async createDatabase(): Promise<void> {
    const text = `CREATE DATABASE ${quoteIdentifier(this.database)}`;
    await this.call((signal) =>
      this.influx.transport.request('/query', new URLSearchParams({ q: text }).toString(), this.formOptions(signal)),
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

  private formOptions(signal: AbortSignal) {
    return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, signal };
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

  /** One call under the deadline: an answer that has not come in time is a timeout, whatever the socket did. */
  private async call<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const deadline = this.deadline();
    try {
      return await fn(deadline.signal);
    } catch (e) {
      throw deadline.expired() ? timeoutError() : this.map(e);
    } finally {
      deadline.clear();
    }
  }

  /**
   * Aborts the call when InfluxDB has not answered `timeoutMs` after it was made. The socket timeout
   * alone starts only once a pooled connection is assigned, so calls queued behind a hung server
   * would wait several timeouts in a row.
   */
  private deadline(): { signal: AbortSignal; expired: () => boolean; clear: () => void } {
    const controller = new AbortController();
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      controller.abort();
    }, this.timeoutMs);
    timer.unref();
    return { signal: controller.signal, expired: () => expired, clear: () => clearTimeout(timer) };
  }

  private async *guardIterable(it: AsyncIterable<Uint8Array>, onFirstBytes: () => void): AsyncGenerator<Uint8Array> {
    let first = true;
    try {
      for await (const c of it) {
        if (first) {
          first = false;
          onFirstBytes();
        }
        yield c;
      }
    } catch (e) {
      throw this.map(e);
    }
  }

  private map(e: unknown): Error {
    if (e instanceof InfluxQueryError || e instanceof InfluxTimeoutError || e instanceof InfluxUnreachableError) return e;
    if (e instanceof RequestTimedOutError) return timeoutError();
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

function timeoutError(): InfluxTimeoutError {
  return new InfluxTimeoutError('InfluxDB did not answer in time');
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
