import { UserLookupCache } from './user-lookup-cache';

describe(UserLookupCache.name, () => {
  const alice = { username: 'alice', role: 'viewer' as const, namespaces: ['lab1'] };

  it('should answer from memory within the TTL and forget afterwards', () => {
    const cache = new UserLookupCache(3000);
    cache.set('alice', alice, 1000);
    expect(cache.get('alice', 3999)).toEqual(alice);
    expect(cache.get('alice', 4000)).toBeUndefined();
  });

  it('should remember that a user does not exist', () => {
    const cache = new UserLookupCache(3000);
    cache.set('ghost', null, 0);
    expect(cache.get('ghost', 1)).toBeNull();
  });

  it('should evict on demand and cache nothing with a zero TTL', () => {
    const cache = new UserLookupCache(3000);
    cache.set('alice', alice);
    cache.evict('alice');
    expect(cache.get('alice')).toBeUndefined();
    const off = new UserLookupCache(0);
    off.set('alice', alice);
    expect(off.get('alice')).toBeUndefined();
  });
});
