/**
 * A recording proxy in front of InfluxDB. A separate API process (never the one being timed)
 * talks to InfluxDB through it, so the bench learns the exact statements the API sends for a
 * request — text, bound parameters, `chunked`, and which ones ran at the same time — and can
 * replay exactly that straight to InfluxDB for the "direct" side of a comparison.
 */
import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

import { HttpAnswer, HttpRequest, HttpTarget } from './http';

/** What replaying one statement needs. */
export interface ReplayCall {
  method: string;
  /** Path and query string as the API sent them. */
  path: string;
  contentType: string;
  body: string;
}

export interface RecordedCall extends ReplayCall {
  startNs: bigint;
  endNs: bigint;
}

/**
 * The statements one API request sent, with what the API waited for: a call depends on every call
 * that had finished before it started. Replaying that graph reproduces the API's own mix of
 * sequential and concurrent statements, minus the API's processing.
 */
export interface Plan extends ReplayPlan {
  calls: RecordedCall[];
}

/** A plan without the recording's timestamps: what a replay needs, and what can cross to another process as JSON. */
export interface ReplayPlan {
  calls: ReplayCall[];
  /** For each call, the indexes of the calls it waited for. */
  after: number[][];
}

export class RecordingProxy {
  private server: Server | undefined;
  private calls: RecordedCall[] = [];
  private readonly target: URL;

  constructor(influxUrl: string) {
    this.target = new URL(influxUrl);
  }

  async start(): Promise<number> {
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** The calls recorded since the last take(), `/query` only (pings are not part of a request's work). */
  take(): RecordedCall[] {
    const out = this.calls.filter((c) => c.path.startsWith('/query'));
    this.calls = [];
    return out;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const call: RecordedCall = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        contentType: String(req.headers['content-type'] ?? ''),
        body: body.toString('utf8'),
        startNs: process.hrtime.bigint(),
        endNs: 0n,
      };
      const headers = { ...req.headers, host: this.target.host, 'content-length': String(body.length) };
      const upstream = request({ host: this.target.hostname, port: this.target.port, method: call.method, path: call.path, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          call.endNs = process.hrtime.bigint();
          this.calls.push(call);
        });
      });
      upstream.on('error', (e) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`recording proxy: ${e.message}`);
      });
      upstream.end(body);
    });
  }
}

export function toPlan(calls: readonly RecordedCall[]): Plan {
  const sorted = [...calls].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
  const after = sorted.map((c) => sorted.flatMap((d, j) => (d.endNs <= c.startNs ? [j] : [])));
  return { calls: sorted, after };
}

export function replayable(plan: Plan): ReplayPlan {
  return { calls: plan.calls.map(({ method, path, contentType, body }) => ({ method, path, contentType, body })), after: plan.after };
}

/** The call as a request straight to InfluxDB. */
export function replayRequest(c: ReplayCall): HttpRequest {
  return { method: c.method, path: c.path, headers: { 'content-type': c.contentType }, body: c.body };
}

/** Whether the call asked InfluxDB for a chunked answer (one JSON document per line). */
export function isChunked(c: ReplayCall): boolean {
  return new URLSearchParams(c.body).get('chunked') === 'true';
}

/** Runs each call of a plan as soon as the calls it waited for have finished; results in call order. */
export function inPlanOrder<T>(plan: ReplayPlan, run: (call: ReplayCall) => Promise<T>): Promise<T[]> {
  const results: Promise<T>[] = [];
  plan.calls.forEach((c, i) => {
    const deps = (plan.after[i] ?? []).map((j) => results[j] as Promise<T>);
    results.push(Promise.all(deps).then(() => run(c)));
  });
  return Promise.all(results);
}

/** Replays a plan straight to InfluxDB: each call as soon as the calls it waited for have answered. */
export async function replay(influx: HttpTarget, plan: ReplayPlan): Promise<{ ms: number; bytes: number; statuses: number[] }> {
  const started = process.hrtime.bigint();
  const done: HttpAnswer[] = await inPlanOrder(plan, (c) => influx.send(replayRequest(c)));
  return {
    ms: Number(process.hrtime.bigint() - started) / 1e6,
    bytes: done.reduce((a, d) => a + d.bytes, 0),
    statuses: done.map((d) => d.status),
  };
}

/** One line per statement (with what it waited for), for the bench's output and the docs. */
export function describePlan(plan: Plan): string[] {
  return plan.calls.map((c, i) => {
    const q = (new URLSearchParams(c.body).get('q') ?? '').replace(/\s+/g, ' ');
    const chunked = isChunked(c) ? ' [chunked]' : '';
    const direct = (plan.after[i] ?? []).filter((j) => !(plan.after[i] ?? []).some((k) => (plan.after[k] ?? []).includes(j)));
    const waits = direct.length ? ` (after ${direct.map((j) => `#${j + 1}`).join(', ')})` : '';
    return `  #${i + 1}${waits}: ${q.length > 150 ? `${q.slice(0, 147)}...` : q}${chunked}`;
  });
}
