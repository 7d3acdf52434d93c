import { createServer } from 'node:net';

import { getFreePort, getFreePorts, isPortFree, settlesWithin, waitUntil } from './service-utils';

describe('service-utils', () => {
  it('gives free loopback ports, distinct when asked for several', async () => {
    const port = await getFreePort();
    expect(await isPortFree(port)).toBe(true);
    const ports = await getFreePorts(3);
    expect(new Set(ports).size).toBe(3);
  });

  it('tells a bound port from a free one', async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      expect(await isPortFree(port)).toBe(false);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  it('waits until the probe holds, and names what it waited for on timeout', async () => {
    let calls = 0;
    await waitUntil('three calls', async () => ++calls >= 3, { timeoutMs: 2000, intervalMs: 1 });
    expect(calls).toBe(3);
    await expect(waitUntil('never', async () => false, { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow('timed out after 30 ms waiting for never');
  });

  it('stops waiting at once when aborted', async () => {
    await expect(waitUntil('a dead process', async () => false, { timeoutMs: 60_000, abort: () => new Error('exited with 1') })).rejects.toThrow('exited with 1');
  });

  it('tells whether a promise settles in time', async () => {
    expect(await settlesWithin(Promise.resolve(), 1000)).toBe(true);
    expect(await settlesWithin(new Promise(() => undefined), 20)).toBe(false);
  });
});
