import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

import { HttpError, InfluxDB, RequestTimedOutError } from '@influxdata/influxdb-client';

import { readJsonLines } from './chunked-json-reader';
import { quoteIdentifier } from './identifiers';
import { InfluxQueryError, InfluxTimeoutError, InfluxUnreachableError } from './influx-errors';
import { InfluxQuery, InfluxSeries } from './influx-query';

export interface InfluxConnectionOptions {
  /** Base URL, e.g. `http://influxdb:8086`. */
  url: string;
  database: string;
  username?: string;
  password?: string;
  /**
   * Timeout per InfluxDB call, ms: a call that has received nothing for this long (counted from the
   * call, waiting for a pooled connection included, then from its last bytes) fails — unless
   * InfluxDB shows it is alive by answering `/ping`, in which case it is busy with the query and
   * the call keeps waiting, up to {@link MAX_SILENCE_TIMEOUTS} timeouts of silence.
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

/** A live but silent InfluxDB is waited for at most this many timeouts without a byte. */
export const MAX_SILENCE_TIMEOUTS = 12;

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);

/**
 * Talks to InfluxDB through its v1 HTTP API (`/query` InfluxQL, `/write` line protocol), which
 * InfluxDB 1.x, 2.x (v1 compatibility) and 3.x all serve. Transport: `@influxdata/influxdb-client`,
 * with keep-alive connections. Every value travels as a bound parameter (`params=`).
 */
/**
 * An error InfluxDB put in its answer. One that says it is going away (a graceful shutdown aborts
 * running queries with "query engine shutdown") means it is unavailable, like a refused connection:
 * retrying soon helps, so it is not reported as a bad query.
 */
const SHUTTING_DOWN = /query engine shutdown|server is shutting down/i;

function answeredError(message: string): Error {
  return SHUTTING_DOWN.test(message) ? new InfluxUnreachableError(`InfluxDB is shutting down (${message})`) : new InfluxQueryError(message);
}

export class InfluxClient {
  private readonly influx: InfluxDB;
  private readonly database: string;
  private readonly onQuery: InfluxConnectionOptions['onQuery'];
  private readonly agent: HttpAgent;
  /** Pings get a connection of their own: they must not queue behind busy query connections. */
  private readonly pingInflux: InfluxDB;
  private readonly pingAgent: HttpAgent;
  private readonly timeoutMs: number;
  /** Last time InfluxDB was seen alive: bytes of any answer, or a `/ping`. */
  private lastAliveAt = 0;
  private liveness: Promise<void> | undefined;

  constructor(options: InfluxConnectionOptions) {
    const https = options.url.startsWith('https:');
    this.agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 64 }) : new HttpAgent({ keepAlive: true, maxSockets: 64 });
    this.pingAgent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 2 }) : new HttpAgent({ keepAlive: true, maxSockets: 2 });
    const headers: Record<string, string> = {};
    if (options.username) {
      // Basic auth works on 1.x (including 1.6, which predates the `Token user:pass` scheme), 2.x and 3.x.
      headers['authorization'] = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
    }
    this.timeoutMs = options.timeoutMs ?? 10000;
    this.influx = new InfluxDB({
      url: options.url,
      // The socket's own idle timeout is only the hard cap; the watchdog of each call does the rest.
      timeout: this.timeoutMs * MAX_SILENCE_TIMEOUTS,
      headers,
      transportOptions: { agent: this.agent },
    });
    this.pingInflux = new InfluxDB({ url: options.url, timeout: this.timeoutMs, headers, transportOptions: { agent: this.pingAgent } });
    this.database = options.database;
    this.onQuery = options.onQuery;
  }

  /** Runs one statement and returns its series. */
  async query(query: InfluxQuery): Promise<InfluxSeries[]> {
    const started = process.hrtime.bigint();
    let ok = false;
    try {
      const body = await this.fetchAll('/query', this.form(query, false), FORM_CONTENT_TYPE);
      const series = this.seriesOf(body.length ? (JSON.parse(body.toString('utf8')) as QueryResultDocument) : undefined);
      ok = true;
      return series;
    } catch (e) {
      throw this.map(e);
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
    const watchdog = this.watchdog();
    try {
      const bytes = this.influx.transport.iterate('/query', this.form(query, true, chunkSize), this.sendOptions(FORM_CONTENT_TYPE, watchdog.signal));
      const docs = readJsonLines(this.guardIterable(bytes, watchdog.progress));
      for await (const doc of docs) {
        for (const s of this.seriesOf(doc as QueryResultDocument)) yield s;
      }
      ok = true;
    } catch (e) {
      throw watchdog.expired() ? timeoutError() : this.map(e);
    } finally {
      watchdog.stop();
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
      await this.fetchAll(path, lines.join('\n'), 'text/plain; charset=utf-8');
      ok = true;
    } catch (e) {
      throw this.map(e);
    } finally {
      this.observe('write', started, ok);
    }
  }

  /** `GET /ping`: true when InfluxDB answers within the timeout. */
  async ping(timeoutMs = this.timeoutMs): Promise<boolean> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    timer.unref();
    try {
      await this.pingInflux.transport.request('/ping', '', { method: 'GET', signal: controller.signal });
      this.lastAliveAt = Date.now();
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async createDatabase(): Promise<void> {
    const text = `CREATE DATABASE ${quoteIdentifier(this.database)}`;
    try {
      const body = await this.fetchAll('/query', new URLSearchParams({ q: text }).toString(), FORM_CONTENT_TYPE);
      this.seriesOf(body.length ? (JSON.parse(body.toString('utf8')) as QueryResultDocument) : undefined);
    } catch (e) {
      throw this.map(e);
    }
  }

  /** Closes idle keep-alive sockets (graceful shutdown). */
  close(): void {
    this.agent.destroy();
    this.pingAgent.destroy();
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

  private sendOptions(contentType: string, signal: AbortSignal) {
    return { method: 'POST', headers: { 'content-type': contentType }, signal };
  }

  /**
   * One POST under a watchdog, its whole answer collected once (no copy per received chunk). The
   * bytes stream in through the transport's iterator, so a long answer counts as progress.
   */
  private async fetchAll(path: string, body: string, contentType: string): Promise<Buffer> {
    const watchdog = this.watchdog();
    const chunks: Buffer[] = [];
    try {
      for await (const c of this.guardIterable(this.influx.transport.iterate(path, body, this.sendOptions(contentType, watchdog.signal)), watchdog.progress)) {
        chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
      }
      return Buffer.concat(chunks);
    } catch (e) {
      throw watchdog.expired() ? timeoutError() : this.map(e);
    } finally {
      watchdog.stop();
    }
  }

  private seriesOf(doc: QueryResultDocument | undefined): InfluxSeries[] {
    if (!doc) return [];
    if (doc.error) throw answeredError(doc.error);
    const out: InfluxSeries[] = [];
    for (const r of doc.results ?? []) {
      if (r.error) throw answeredError(r.error);
      if (r.series) out.push(...r.series);
    }
    return out;
  }

  /**
   * Watches one call. After half a timeout without a byte it asks InfluxDB for `/ping` every
   * quarter timeout (one probe at a time for the whole client); after a full timeout without a byte
   * the call fails as a timeout unless InfluxDB answered a probe (or sent bytes on another call)
   * within the last timeout: then it is busy, not gone, and the call waits on, up to
   * MAX_SILENCE_TIMEOUTS timeouts of silence. A hung or paused InfluxDB therefore fails every call
   * made after it stopped one timeout after the call (time queued for a pooled connection
   * included), and calls already running one timeout after it stopped; a busy one finishes long
   * reports.
   */
  private watchdog(): { signal: AbortSignal; expired: () => boolean; progress: () => void; stop: () => void } {
    const controller = new AbortController();
    const timeout = this.timeoutMs;
    let expired = false;
    let lastBytes = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number) => {
      timer = setTimeout(check, Math.max(1, Math.ceil(ms)));
      timer.unref();
    };
    const check = () => {
      const now = Date.now();
      const silent = now - lastBytes;
      if (silent < timeout / 2) return arm(lastBytes + timeout / 2 - now);
      if (now - this.lastAliveAt >= timeout / 4) this.probeLiveness(timeout / 2);
      if (silent < timeout) return arm(Math.min(lastBytes + timeout - now, timeout / 4));
      const alive = now - this.lastAliveAt < timeout;
      if (alive && silent < timeout * MAX_SILENCE_TIMEOUTS) return arm(timeout / 4);
      expired = true;
      controller.abort();
    };
    arm(timeout / 2);
    return {
      signal: controller.signal,
      expired: () => expired,
      progress: () => {
        lastBytes = Date.now();
        this.lastAliveAt = lastBytes;
      },
      stop: () => clearTimeout(timer),
    };
  }

  private probeLiveness(timeoutMs: number): void {
    if (this.liveness) return;
    this.liveness = this.ping(timeoutMs).then(() => {
      this.liveness = undefined;
    });
  }

  private async *guardIterable(it: AsyncIterable<Uint8Array>, onBytes: () => void): AsyncGenerator<Uint8Array> {
    try {
      for await (const c of it) {
        onBytes();
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
      if (SHUTTING_DOWN.test(detail)) return answeredError(detail);
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

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

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
