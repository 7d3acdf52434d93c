import { SettledPeriodCache, SettledPeriodCacheOptions } from './settled-period-cache';

const HOUR = 3_600_000;

function cacheAt(clock: { now: number }, overrides: Partial<SettledPeriodCacheOptions> = {}) {
  return new SettledPeriodCache<{ pods: { id: string; usage: number }[] }>({
    settleMs: HOUR,
    ttlMs: 10 * 60_000,
    maxEntries: 3,
    maxWeight: 100,
    now: () => clock.now,
    ...overrides,
  });
}

function counter(pods = 1) {
  let calls = 0;
  return {
    calls: () => calls,
    compute: async () => {
      calls++;
      return { pods: Array.from({ length: pods }, (_, i) => ({ id: `p${i}`, usage: calls })) };
    },
  };
}

const weigh = (v: { pods: unknown[] }) => v.pods.length;

describe('SettledPeriodCache', () => {
  it('should compute a settled period once and serve it again until the entry expires', async () => {
    const clock = { now: 100 * HOUR };
    const cache = cacheAt(clock);
    const c = counter();
    const settled = clock.now - 2 * HOUR;
    expect((await cache.get('k', settled, c.compute, weigh)).pods[0]?.usage).toBe(1);
    expect((await cache.get('k', settled, c.compute, weigh)).pods[0]?.usage).toBe(1);
    expect(c.calls()).toBe(1);
    clock.now += 10 * 60_000 + 1;
    expect((await cache.get('k', settled, c.compute, weigh)).pods[0]?.usage).toBe(2);
    expect(cache.stats()).toEqual(expect.objectContaining({ hits: 1, misses: 2 }));
  });

  it('should never cache a period whose data is not settled', async () => {
    const clock = { now: 100 * HOUR };
    const cache = cacheAt(clock);
    const c = counter();
    const recent = clock.now - HOUR + 1;
    await cache.get('k', recent, c.compute, weigh);
    await cache.get('k', recent, c.compute, weigh);
    expect(c.calls()).toBe(2);
    expect(cache.stats()).toEqual(expect.objectContaining({ bypassed: 2, entries: 0 }));
  });

  it('should give every caller its own copy', async () => {
    const clock = { now: 100 * HOUR };
    const cache = cacheAt(clock);
    const c = counter(2);
    const first = await cache.get('k', 0, c.compute, weigh);
    first.pods.length = 0;
    const second = await cache.get('k', 0, c.compute, weigh);
    expect(second.pods).toHaveLength(2);
    (second.pods[0] as { usage: number }).usage = 999;
    expect((await cache.get('k', 0, c.compute, weigh)).pods[0]?.usage).toBe(1);
  });

  it('should share one computation between concurrent requests and not keep failures', async () => {
    const clock = { now: 100 * HOUR };
    const cache = cacheAt(clock);
    let release: () => void = () => undefined;
    let calls = 0;
    const slow = () =>
      new Promise<{ pods: { id: string; usage: number }[] }>((resolve) => {
        calls++;
        release = () => resolve({ pods: [{ id: 'a', usage: 7 }] });
      });
    const both = Promise.all([cache.get('k', 0, slow, weigh), cache.get('k', 0, slow, weigh)]);
    release();
    expect((await both).map((v) => v.pods[0]?.usage)).toEqual([7, 7]);
    expect(calls).toBe(1);

    let failures = 0;
    const failing = async () => {
      failures++;
      throw new Error('InfluxDB down');
    };
    await expect(cache.get('f', 0, failing, weigh)).rejects.toThrow('InfluxDB down');
    await expect(cache.get('f', 0, failing, weigh)).rejects.toThrow('InfluxDB down');
    expect(failures).toBe(2);
  });

  it('should drop the least recently used entries beyond its count and weight limits', async () => {
    const clock = { now: 100 * HOUR };
    const cache = cacheAt(clock, { maxEntries: 2, maxWeight: 10 });
    const a = counter(1);
    const b = counter(1);
    const c = counter(1);
    await cache.get('a', 0, a.compute, weigh);
    await cache.get('b', 0, b.compute, weigh);
    await cache.get('a', 0, a.compute, weigh); // a is now the most recent
    await cache.get('c', 0, c.compute, weigh); // evicts b
    await cache.get('a', 0, a.compute, weigh);
    await cache.get('b', 0, b.compute, weigh);
    expect([a.calls(), b.calls(), c.calls()]).toEqual([1, 2, 1]);

    const heavy = counter(8);
    await cache.get('heavy', 0, heavy.compute, weigh);
    expect(cache.stats().weight).toBeLessThanOrEqual(10);
    const huge = counter(11);
    await cache.get('huge', 0, huge.compute, weigh);
    await cache.get('huge', 0, huge.compute, weigh);
    expect(huge.calls()).toBe(2);
  });

  it('should keep nothing when its entry count is 0 (CACHE_MAX_ENTRIES=0 turns caching off)', async () => {
    const clock = { now: 100 * HOUR };
    const cache = cacheAt(clock, { maxEntries: 0 });
    const a = counter(1);
    await cache.get('a', 0, a.compute, weigh);
    await cache.get('a', 0, a.compute, weigh);
    expect(a.calls()).toBe(2);
    expect(cache.stats()).toMatchObject({ entries: 0, hits: 0, misses: 2 });
  });

  it('should say it holds an answer while it is kept fresh or being computed, never for unsettled periods', async () => {
    const clock = { now: 100 * HOUR };
    const cache = cacheAt(clock);
    const settled = clock.now - 2 * HOUR;
    expect(cache.holds('k', settled)).toBe(false);
    let finish!: () => void;
    const pending = cache.get('k', settled, () => new Promise((r) => (finish = () => r({ pods: [] }))), weigh);
    expect(cache.holds('k', settled)).toBe(true);
    finish();
    await pending;
    expect(cache.holds('k', settled)).toBe(true);
    expect(cache.holds('k', clock.now)).toBe(false);
    clock.now += 10 * 60_000 + 1;
    expect(cache.holds('k', settled)).toBe(false);
  });
});
