/**
 * The pass-through floor: the least any Node HTTP hop in front of InfluxDB costs, run as its own
 * process like the API (started by lib/floor-process.ts; not a tool to run by hand).
 *
 *   node --import tsx tools/bench/floor/floor-main.ts <influxdb-url>
 *
 * Prints `listening <port>` on stdout once it accepts requests on 127.0.0.1.
 *   PUT  /plans  JSON array of ReplayPlan: the recorded plans of the next scenario.
 *   POST /       JSON {"plan": n}: replays plan n (same statements and dependency order as the
 *                direct side), parses every answer, reshapes the rows to objects and answers them
 *                as one JSON array.
 * No framework, no validation, no logging: everything an API adds on top is the API's own work.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

import { HttpTarget } from '../lib/http';
import { inPlanOrder, isChunked, ReplayPlan, replayRequest } from '../lib/recorder';
import { appendRows, Row } from './influx-rows';

const influxUrl = process.argv[2];
if (!influxUrl) {
  process.stderr.write('usage: floor-main.ts <influxdb-url>\n');
  process.exit(2);
}
const influx = new HttpTarget(influxUrl, 64);

let plans: ReplayPlan[] = [];
// Known when the API builds a statement, so worked out once per plan rather than per request.
let chunked: boolean[][] = [];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function passThrough(body: string): Promise<string> {
  const index = (JSON.parse(body) as { plan: number }).plan;
  const plan = plans[index];
  if (!plan) throw new Error(`no plan ${index} (${plans.length} loaded)`);
  const flags = chunked[index] as boolean[];
  const answers = await inPlanOrder(plan, (c) => influx.send(replayRequest(c), { keepText: true }));
  const rows: Row[] = [];
  answers.forEach((a, i) => {
    if (a.status !== 200) throw new Error(`InfluxDB answered ${a.status}: ${(a.text ?? '').slice(0, 200)}`);
    appendRows(a.text ?? '', flags[i] as boolean, rows);
  });
  return JSON.stringify(rows);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const body = await readBody(req);
    if (req.method === 'PUT' && req.url === '/plans') {
      plans = JSON.parse(body) as ReplayPlan[];
      chunked = plans.map((p) => p.calls.map(isChunked));
      answer(res, 204, '');
    } else {
      answer(res, 200, await passThrough(body));
    }
  } catch (e) {
    answer(res, 502, e instanceof Error ? e.message : String(e));
  }
}

const server = createServer((req, res) => void handle(req, res));
// The bench's client keeps its connections between rounds; Node's 5 s default would drop them.
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
