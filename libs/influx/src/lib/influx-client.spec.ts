import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

import { InfluxClient } from './influx-client';
import { InfluxQueryError, InfluxTimeoutError, InfluxUnreachableError } from './influx-errors';

const QUERY = { text: 'SELECT "value" FROM "cpu/usage_rate"', params: {} };

/** A stand-in for InfluxDB on a loopback port whose behaviour each test chooses. */
async function fakeInflux(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function drain(it: AsyncGenerator<unknown>): Promise<void> {
  for await (const piece of it) void piece;
}

describe('InfluxClient timeouts and failures', () => {
  it('should answer a timeout when InfluxDB accepts the call but never answers, not even /ping (hung or paused)', async () => {
    const influx = await fakeInflux(() => undefined);
    const client = new InfluxClient({ url: influx.url, database: 'k8s', timeoutMs: 300 });
    try {
      await expect(client.query(QUERY)).rejects.toBeInstanceOf(InfluxTimeoutError);
      await expect(drain(client.stream(QUERY))).rejects.toBeInstanceOf(InfluxTimeoutError);
      expect(await client.ping()).toBe(false);
    } finally {
      client.close();
      await influx.close();
    }
  });

  it('should answer a timeout when InfluxDB stops in the middle of an answer', async () => {
    // Headers and a first piece, then silence, and /ping silent too (a process paused mid-answer).
    const influx = await fakeInflux((req, res) => {
      if (req.url?.startsWith('/ping')) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1,2]]}]}]}\n{"res');
    });
    const client = new InfluxClient({ url: influx.url, database: 'k8s', timeoutMs: 300 });
    try {
      await expect(client.query(QUERY)).rejects.toBeInstanceOf(InfluxTimeoutError);
      await expect(drain(client.stream(QUERY))).rejects.toBeInstanceOf(InfluxTimeoutError);
    } finally {
      client.close();
      await influx.close();
    }
  });

  it("should turn an error answer into a query error carrying InfluxDB's message and status", async () => {
    const influx = await fakeInflux((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"error parsing query: found EOF, expected FROM"}');
    });
    const client = new InfluxClient({ url: influx.url, database: 'k8s', timeoutMs: 300 });
    try {
      const error = await client.query(QUERY).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InfluxQueryError);
      expect(error).toMatchObject({ status: 400, message: 'InfluxDB answered 400: error parsing query: found EOF, expected FROM' });
    } finally {
      client.close();
      await influx.close();
    }
  });

  it.each([
    ['in a 200 answer', 200, '{"results":[{"statement_id":0,"error":"query engine shutdown"}]}'],
    ['as an error status', 500, '{"error":"query engine shutdown"}'],
  ])('should take "query engine shutdown" %s for an unreachable InfluxDB (503), not a bad query', async (_how, status, body) => {
    const influx = await fakeInflux((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(`${body}\n`);
    });
    const client = new InfluxClient({ url: influx.url, database: 'k8s', timeoutMs: 300 });
    try {
      await expect(client.query(QUERY)).rejects.toBeInstanceOf(InfluxUnreachableError);
      await expect(drain(client.stream(QUERY))).rejects.toBeInstanceOf(InfluxUnreachableError);
    } finally {
      client.close();
      await influx.close();
    }
  });

  it('should wait for a busy InfluxDB that still answers /ping, past the timeout', async () => {
    // The query takes four timeouts before its first byte; /ping answers at once all along.
    const influx = await fakeInflux((req, res) => {
      if (req.url?.startsWith('/ping')) {
        res.writeHead(204).end();
        return;
      }
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1,2]]}]}]}\n');
      }, 800);
    });
    const client = new InfluxClient({ url: influx.url, database: 'k8s', timeoutMs: 200 });
    try {
      expect(await client.query(QUERY)).toEqual([{ name: 'm', columns: ['time', 'v'], values: [[1, 2]] }]);
      const pieces: unknown[] = [];
      for await (const piece of client.stream(QUERY)) pieces.push(piece);
      expect(pieces).toHaveLength(1);
    } finally {
      client.close();
      await influx.close();
    }
  });

  it('should end a call queued behind a full pool of busy connections, at the latest after the silence cap', async () => {
    // Every connection of the pool (64) is held by an answer that trickles forever: InfluxDB is
    // alive, so the 65th call, which can only queue for a connection, waits — but not forever.
    const influx = await fakeInflux((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"results":[');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const client = new InfluxClient({ url: influx.url, database: 'k8s', timeoutMs: 150 });
    const busy = Array.from({ length: 64 }, () => drain(client.stream(QUERY)).catch((e: unknown) => e));
    try {
      // MAX_SILENCE_TIMEOUTS × 150 ms of silence on this call, then a timeout.
      await expect(client.query(QUERY)).rejects.toBeInstanceOf(InfluxTimeoutError);
    } finally {
      client.close();
      await influx.close();
      await Promise.all(busy);
    }
  });

  it('should report an unreachable InfluxDB as unreachable, and a stream cut short as a lost connection', async () => {
    const gone = await fakeInflux(() => undefined);
    const url = gone.url;
    await gone.close();
    const client = new InfluxClient({ url, database: 'k8s', timeoutMs: 2000 });
    await expect(client.query(QUERY)).rejects.toBeInstanceOf(InfluxUnreachableError);
    client.close();

    const cut = await fakeInflux((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1,2]]}]}]}\n{"results":[{"stat');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const streaming = new InfluxClient({ url: cut.url, database: 'k8s', timeoutMs: 2000 });
    try {
      await expect(drain(streaming.stream(QUERY))).rejects.toBeInstanceOf(InfluxUnreachableError);
    } finally {
      streaming.close();
      await cut.close();
    }
  });
});
