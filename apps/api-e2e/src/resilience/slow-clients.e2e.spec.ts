/**
 * Slow clients against the built API: bodies announced with Content-Length and sent one byte a
 * second, headers that never end, more connections than the cap. The server must cut them off
 * within its receive timeout (HTTP_RECEIVE_TIMEOUT, short here), keep answering everyone else, and
 * a SIGTERM while they hang on must still end the process promptly with exit code 0.
 */
import { connect, Socket } from 'node:net';

import { serviceHeaders } from '../support/e2e-env';
import { OwnApi, send, startOwnApi } from '../support/resilience';

const SLOW_CLIENTS = 20;
const RECEIVE_TIMEOUT_S = 2;
/** Node looks for late requests once a second; the rest is scheduling slack on a busy machine. */
const CUT_OFF_WITHIN_MS = RECEIVE_TIMEOUT_S * 1000 + 3000;

interface SlowClient {
  socket: Socket;
  /** When the server closed the connection (ms after the client started), or undefined while open. */
  closedAfterMs(): number | undefined;
  /** Everything the server sent. */
  received(): string;
  stop(): void;
}

/** A client that sends `head` at once, then one byte of `trickle` a second. */
function slowClient(port: number, head: string, trickle: string): Promise<SlowClient> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let closedAt: number | undefined;
    let received = '';
    const socket = connect(port, '127.0.0.1');
    let i = 0;
    const timer = setInterval(() => {
      if (socket.writable && i < trickle.length) socket.write(trickle[i++] as string);
    }, 1000);
    socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      closedAt = Date.now() - started;
      clearInterval(timer);
    });
    socket.once('connect', () => {
      socket.write(head);
      resolve({
        socket,
        closedAfterMs: () => closedAt,
        received: () => received,
        stop: () => {
          clearInterval(timer);
          socket.destroy();
        },
      });
    });
    socket.once('error', reject);
  });
}

function slowBody(port: number): Promise<SlowClient> {
  const body = JSON.stringify({ agg: 'all-namespace', timeBeginInterval: '2017-12-01', timeEndInterval: '2017-12-02', pad: 'x'.repeat(200) });
  const headers = Object.entries({ ...serviceHeaders(), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return slowClient(port, `POST /api/cpu/usage_rate HTTP/1.1\r\nhost: 127.0.0.1\r\n${headers}\r\n`, body);
}

function slowHeaders(port: number): Promise<SlowClient> {
  return slowClient(port, 'GET /api/health HTTP/1.1\r\nhost: 127.0.0.1\r\n', 'x-slow-header: '.repeat(20));
}

async function waitUntilClosed(clients: SlowClient[], deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (clients.some((c) => c.closedAfterMs() === undefined) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
}

describe('slow clients', () => {
  let api: OwnApi | undefined;
  const clients: SlowClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.stop();
    await api?.stop();
    api = undefined;
  });

  it(`should close ${SLOW_CLIENTS} slow-body and slow-header connections within the receive timeout, answering 408, while serving others`, async () => {
    const own = (api = await startOwnApi(Number(process.env['E2E_INFLUX_PORT']), { HTTP_RECEIVE_TIMEOUT: String(RECEIVE_TIMEOUT_S) }));
    const bodies = await Promise.all(Array.from({ length: SLOW_CLIENTS }, () => slowBody(own.port)));
    const heads = await Promise.all(Array.from({ length: 3 }, () => slowHeaders(own.port)));
    clients.push(...bodies, ...heads);

    // Meanwhile the API answers normal requests at once.
    const health = await send(own.url, { method: 'GET', path: '/api/health' }, 2000);
    expect(health.status).toBe(200);

    await waitUntilClosed(clients, CUT_OFF_WITHIN_MS + 2000);
    const late = clients.filter((c) => (c.closedAfterMs() ?? Infinity) > CUT_OFF_WITHIN_MS).map((c) => c.closedAfterMs() ?? 'still open');
    expect(late).toEqual([]);
    for (const c of clients) {
      expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(c.received().split('\r\n\r\n')[1] ?? '')).toEqual({ code: 408, message: 'request: headers and body did not arrive in time' });
    }
    // The API itself is unharmed.
    expect((await send(own.url, { method: 'GET', path: '/api/health' }, 2000)).status).toBe(200);
    expect(own.child.exitCode).toBeNull();
  }, 60_000);

  it('should exit 0 promptly on SIGTERM while slow clients hold connections open', async () => {
    // A long receive timeout: only the shutdown can free these connections in time.
    const own = (api = await startOwnApi(Number(process.env['E2E_INFLUX_PORT']), { HTTP_RECEIVE_TIMEOUT: '120' }));
    clients.push(...(await Promise.all(Array.from({ length: SLOW_CLIENTS }, () => slowBody(own.port)))));
    clients.push(...(await Promise.all(Array.from({ length: 3 }, () => slowHeaders(own.port)))));
    // An idle keep-alive connection too.
    const idle = await slowClient(own.port, 'GET /api/health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n', '');
    clients.push(idle);
    await new Promise((r) => setTimeout(r, 1500));
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(clients.filter((c) => c.closedAfterMs() !== undefined)).toHaveLength(0);

    const started = Date.now();
    const code = await own.stop('SIGTERM');
    const tookMs = Date.now() - started;
    if (code !== 0) throw new Error(`exit ${code} after ${tookMs} ms; output:\n${own.output().slice(-3000)}`);
    expect(tookMs).toBeLessThan(5000);
    await waitUntilClosed(clients, 1000);
    expect(clients.filter((c) => c.closedAfterMs() === undefined)).toHaveLength(0);
  }, 60_000);

  it('should refuse connections beyond HTTP_MAX_CONNECTIONS and accept again once they are gone', async () => {
    const own = (api = await startOwnApi(Number(process.env['E2E_INFLUX_PORT']), { HTTP_MAX_CONNECTIONS: '10', HTTP_RECEIVE_TIMEOUT: '60' }));
    const held = await Promise.all(Array.from({ length: 15 }, () => slowHeaders(own.port)));
    clients.push(...held);
    await new Promise((r) => setTimeout(r, 1000));
    const open = held.filter((c) => c.closedAfterMs() === undefined).length;
    // The suite's own keep-alive connection from start-up may hold one of the ten places.
    expect(open).toBeLessThanOrEqual(10);
    expect(open).toBeGreaterThanOrEqual(9);
    for (const c of clients.splice(0)) c.stop();
    await new Promise((r) => setTimeout(r, 300));
    expect((await send(own.url, { method: 'GET', path: '/api/health' }, 2000)).status).toBe(200);
  }, 60_000);
});
