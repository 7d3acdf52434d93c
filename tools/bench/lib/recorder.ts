/**
 * A recording proxy in front of InfluxDB. A separate API process (never the one being timed)
 * talks to InfluxDB through it, so the bench learns the exact statements the API sends for a
 * request — text, bound parameters, `chunked`, and which ones ran at the same time — and can
 * replay exactly that straight to InfluxDB for the "direct" side of a comparison.
 */
import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

import { HttpAnswer, HttpTarget } from './http';

export interface RecordedCall {
  method: string;
  /** Path and query string as the API sent them. */
  path: string;
  contentType: string;
  body: string;
  startNs: bigint;
  endNs: bigint;
}

/**
 * The statements one API request sent, with what the API waited for: a call depends on every call
 * that had finished before it started. Replaying that graph reproduces the API's own mix of
 * sequential and concurrent statements, minus the API's processing.
 */
export interface Plan {
  calls: RecordedCall[];
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
      const upstream = request(
        { host: this.target.hostname, port: this.target.port, method: call.method, path: call.path, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', () => {
            call.endNs = process.hrtime.bigint();
            this.calls.push(call);
          });
        },
      );
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

/** Replays a plan straight to InfluxDB: each call as soon as the calls it waited for have answered. */
export async function replay(influx: HttpTarget, plan: Plan): Promise<{ ms: number; bytes: number; statuses: number[] }> {
  const started = process.hrtime.bigint();
  const answers: Promise<HttpAnswer>[] = [];
  plan.calls.forEach((c, i) => {
    const deps = (plan.after[i] ?? []).map((j) => answers[j] as Promise<HttpAnswer>);
    answers.push(Promise.all(deps).then(() => influx.send({ method: c.method, path: c.path, headers: { 'content-type': c.contentType }, body: c.body })));
  });
  const done = await Promise.all(answers);
  return {
    ms: Number(process.hrtime.bigint() - started) / 1e6,
    bytes: done.reduce((a, d) => a + d.bytes, 0),
    statuses: done.map((d) => d.status),
  };
}

/** One line per statement (with what it waited for), for the bench's output and the docs. */
export function describePlan(plan: Plan): string[] {
  return plan.calls.map((c, i) => {
    const form = new URLSearchParams(c.body);
    const q = (form.get('q') ?? '').replace(/\s+/g, ' ');
    const chunked = form.get('chunked') === 'true' ? ' [chunked]' : '';
    const direct = (plan.after[i] ?? []).filter((j) => !(plan.after[i] ?? []).some((k) => (plan.after[k] ?? []).includes(j)));
    const waits = direct.length ? ` (after ${direct.map((j) => `#${j + 1}`).join(', ')})` : '';
    return `  #${i + 1}${waits}: ${q.length > 150 ? `${q.slice(0, 147)}...` : q}${chunked}`;
  });
}
