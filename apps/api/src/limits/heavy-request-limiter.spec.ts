import { HttpStatus } from '@nestjs/common';

import { AccessScope, SERVICE_SCOPE } from '../access/access-scope';
import { loadConfig } from '../config/app-config';
import { ConcurrencyCounter } from './concurrency-counter';
import { Admit, HeavyRequestLimiter, TooManyHeavyRequestsException } from './heavy-request-limiter';

const viewer = (username: string): AccessScope => ({ kind: 'user', username, namespaces: ['default'] });

function limiter(perCaller: number, perMinute = 0): HeavyRequestLimiter {
  return new HeavyRequestLimiter(
    loadConfig({
      API_USERNAME: 'billing',
      API_PASSWORD: 'a-long-enough-service-password',
      HEAVY_REQUESTS_PER_CALLER: String(perCaller),
      HEAVY_REQUESTS_PER_MINUTE: String(perMinute),
    }),
  );
}

/** A heavy request that is admitted, then waits until `finish()`. */
function slowRequest(l: HeavyRequestLimiter, scope: AccessScope) {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const result = l.run(scope, async (admit) => {
    await admit();
    await done;
    return 'answered';
  });
  return { result, finish };
}

const settled = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe('ConcurrencyCounter', () => {
  it('should give at most max slots per key, each released once', () => {
    const c = new ConcurrencyCounter();
    const a = c.tryAcquire('k', 2);
    const b = c.tryAcquire('k', 2);
    expect(c.tryAcquire('k', 2)).toBeUndefined();
    expect(c.tryAcquire('other', 2)).toBeDefined();
    a?.();
    a?.();
    expect(c.inFlight('k')).toBe(1);
    b?.();
    expect(c.inFlight('k')).toBe(0);
    expect(c.size).toBe(1);
  });
});

describe('HeavyRequestLimiter', () => {
  it("should refuse the caller's request over the concurrency limit with a 429 and Retry-After, and no one else's", async () => {
    const l = limiter(2);
    const running = [slowRequest(l, SERVICE_SCOPE), slowRequest(l, SERVICE_SCOPE)];
    const refused = await settled(l.run(SERVICE_SCOPE, async (admit) => (await admit(), 'answered')));
    expect(refused).toEqual({ error: expect.any(TooManyHeavyRequestsException) });
    const e = (refused as { error: TooManyHeavyRequestsException }).error;
    expect(e.getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
    expect(e.message).toMatch(/at most 2 aggregations, usage reports and charts per caller run at the same time/);
    expect(e.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    // Other callers are counted apart.
    await expect(l.run(viewer('alice'), async (admit) => (await admit(), 'answered'))).resolves.toBe('answered');
    running.forEach((r) => r.finish());
    await Promise.all(running.map((r) => r.result));
    await expect(l.run(SERVICE_SCOPE, async (admit) => (await admit(), 'answered'))).resolves.toBe('answered');
  });

  it('should not count work that never needs InfluxDB (answered from the cache)', async () => {
    const l = limiter(1);
    const running = slowRequest(l, viewer('bob'));
    await expect(l.run(viewer('bob'), async () => 'from the cache')).resolves.toBe('from the cache');
    running.finish();
    await running.result;
  });

  it('should take one slot per request however often it admits, and give it back when the work fails', async () => {
    const l = limiter(1);
    await expect(
      l.run(SERVICE_SCOPE, async (admit) => {
        await Promise.all([admit(), admit(), admit()]);
        throw new Error('InfluxDB went away');
      }),
    ).rejects.toThrow('InfluxDB went away');
    await expect(l.run(SERVICE_SCOPE, async (admit) => (await admit(), 'answered'))).resolves.toBe('answered');
  });

  it('should give no slot to a branch of the work that admits after the work has failed', async () => {
    const l = limiter(1);
    let lateAdmit: Admit | undefined;
    await expect(
      l.run(SERVICE_SCOPE, async (admit) => {
        lateAdmit = admit;
        throw new Error('one metric failed first');
      }),
    ).rejects.toThrow('one metric failed first');
    await expect(lateAdmit?.()).rejects.toThrow('already finished');
    await expect(l.run(SERVICE_SCOPE, async (admit) => (await admit(), 'answered'))).resolves.toBe('answered');
  });

  it('should limit the starts per minute per caller with a sliding window, telling when to retry', async () => {
    const l = limiter(10, 3);
    for (let i = 0; i < 3; i++) await expect(l.run(viewer('carol'), async (admit) => (await admit(), i))).resolves.toBe(i);
    const refused = (await settled(l.run(viewer('carol'), async (admit) => (await admit(), 'answered')))) as { error: TooManyHeavyRequestsException };
    expect(refused.error).toBeInstanceOf(TooManyHeavyRequestsException);
    expect(refused.error.message).toMatch(/at most 3 aggregations, usage reports and charts per caller per minute; retry in \d+ s/);
    expect(Number(refused.error.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.error.headers['retry-after'])).toBeLessThanOrEqual(60);
    await expect(l.run(viewer('dave'), async (admit) => (await admit(), 'answered'))).resolves.toBe('answered');
    l.onApplicationShutdown();
  });
});
