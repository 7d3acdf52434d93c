import { MAX_USER_CACHE_TTL_MS, UserLookupCache } from './user-lookup-cache';

describe(UserLookupCache.name, () => {
  const alice = { id: 7, username: 'alice', role: 'viewer' as const, namespaces: ['lab1'], tokenVersion: 0 };

  it('should answer from memory within the TTL and forget afterwards', () => {
    const cache = new UserLookupCache(3000);
    cache.set(7, alice, 1000);
    expect(cache.get(7, 3999)).toEqual(alice);
    expect(cache.get(7, 4000)).toBeUndefined();
  });

  it('should remember that a user does not exist', () => {
    const cache = new UserLookupCache(3000);
    cache.set(8, null, 0);
    expect(cache.get(8, 1)).toBeNull();
  });

  it('should evict on demand and cache nothing with a zero TTL', () => {
    const cache = new UserLookupCache(3000);
    cache.set(7, alice);
    cache.evict(7);
    expect(cache.get(7)).toBeUndefined();
    const off = new UserLookupCache(0);
    off.set(7, alice);
    expect(off.get(7)).toBeUndefined();
  });

  it('should refuse a TTL that would delay revocations for long', () => {
    expect(() => new UserLookupCache(MAX_USER_CACHE_TTL_MS + 1)).toThrow(RangeError);
    expect(() => new UserLookupCache(MAX_USER_CACHE_TTL_MS)).not.toThrow();
  });
});
