import { ForbiddenException, UnauthorizedException } from '@nestjs/common';

import { ApiKeyStore, StoredApiKey } from '../database/api-keys/api-key-store';
import { ApiKeyVerifier, newApiKey } from './api-key-verifier';

/** The store's part the verifier uses, over a map (the SQL store is tested against real databases). */
function storeOf(keys: StoredApiKey[]): ApiKeyStore & { touches: string[] } {
  const touches: string[] = [];
  return {
    touches,
    find: async (id: string) => keys.find((k) => k.id === id),
    touch: async (id: string) => void touches.push(id),
  } as unknown as ApiKeyStore & { touches: string[] };
}

function stored(over: Partial<StoredApiKey> & { secretSha256: string; id: string }): StoredApiKey {
  return { name: 'k', scope: 'read', namespaces: ['lab'], createdAt: 0, createdBy: 'admin', expiresAt: null, lastUsedAt: null, revokedAt: null, ...over };
}

describe('ApiKeyVerifier', () => {
  const fresh = newApiKey();
  const NOW = Date.UTC(2026, 11, 7);

  it('should make keys of a fixed, recognisable shape, each its own', () => {
    expect(fresh.key).toMatch(/^kmk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(fresh.key.startsWith(`kmk_${fresh.id}_`)).toBe(true);
    expect(fresh.secretSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(newApiKey().key).not.toBe(fresh.key);
  });

  it('should give a valid key its namespaces, "*" as all, and record its use once a minute', async () => {
    const store = storeOf([stored({ id: fresh.id, secretSha256: fresh.secretSha256 })]);
    const verifier = new ApiKeyVerifier(store);
    await expect(verifier.verify(fresh.key, NOW)).resolves.toEqual({ kind: 'key', id: fresh.id, name: 'k', scope: 'read', namespaces: ['lab'] });
    await verifier.verify(fresh.key, NOW + 30_000);
    await verifier.verify(fresh.key, NOW + 61_000);
    expect(store.touches).toEqual([fresh.id, fresh.id]);
    const all = newApiKey();
    const wide = new ApiKeyVerifier(storeOf([stored({ id: all.id, secretSha256: all.secretSha256, namespaces: ['*'] })]));
    expect((await wide.verify(all.key, NOW)).namespaces).toBe('all');
  });

  it('should refuse a wrong secret, an unknown id, a malformed key, a revoked and an expired one', async () => {
    const verifier = new ApiKeyVerifier(
      storeOf([stored({ id: fresh.id, secretSha256: fresh.secretSha256, revokedAt: NOW - 1 }), stored({ id: 'a'.repeat(16), secretSha256: fresh.secretSha256, expiresAt: NOW })]),
    );
    const other = newApiKey();
    // The secret itself may hold `_`: it is everything after `kmk_<id>_`.
    const secretOf = (key: string) => key.slice('kmk_'.length + 16 + 1);
    await expect(verifier.verify(`kmk_${fresh.id}_${secretOf(other.key)}`, NOW)).rejects.toThrow(new UnauthorizedException('API key is not recognized'));
    await expect(verifier.verify(other.key, NOW)).rejects.toThrow('API key is not recognized');
    await expect(verifier.verify('kmk_short', NOW)).rejects.toThrow('API key is not recognized');
    await expect(verifier.verify(fresh.key, NOW)).rejects.toThrow('API key was revoked');
    await expect(verifier.verify(`kmk_${'a'.repeat(16)}_${secretOf(fresh.key)}`, NOW)).rejects.toThrow('API key has expired');
  });

  it('should let only billing-admin keys do administrative operations, and no key manage keys', () => {
    const read = { kind: 'key', id: 'x', name: 'x', scope: 'read', namespaces: 'all' } as const;
    const billing = { ...read, scope: 'billing-admin' } as const;
    expect(() => ApiKeyVerifier.assertMay(read, { admin: false, noKeys: false })).not.toThrow();
    expect(() => ApiKeyVerifier.assertMay(read, { admin: true, noKeys: false })).toThrow(ForbiddenException);
    expect(() => ApiKeyVerifier.assertMay(billing, { admin: true, noKeys: false })).not.toThrow();
    expect(() => ApiKeyVerifier.assertMay(billing, { admin: true, noKeys: true })).toThrow(/may not manage API keys/);
  });
});
