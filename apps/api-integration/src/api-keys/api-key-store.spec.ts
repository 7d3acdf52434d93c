import { ApiKeyStore, StoredApiKey } from '../../../api/src/database/api-keys/api-key-store';
import { UserDatabase } from '../../../api/src/database/user-database';
import { ApiKeyVerifier, newApiKey } from '../../../api/src/guards/api-key-verifier';
import { Backend, BACKENDS, startBackend, Store } from '../users/support/backends';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const NOW = Date.UTC(2026, 11, 7, 10);

/** The row as stored: the key's secret is never kept. */
function withoutSecret(k: StoredApiKey & { secret: string }): StoredApiKey {
  const row: StoredApiKey & { secret?: string } = { ...k };
  delete row.secret;
  return row;
}

describe.each(BACKENDS)('API key store on %s', (kind) => {
  let backend: Backend;
  let store: Store;
  let database: UserDatabase;
  let keys: ApiKeyStore;

  beforeAll(async () => {
    backend = await startBackend(kind);
  });
  afterAll(async () => {
    await backend.dispose();
  });
  beforeEach(async () => {
    store = await backend.freshStore();
    database = new UserDatabase(store.config, { logger: quiet });
    await database.connect();
    keys = new ApiKeyStore(database);
  });
  afterEach(async () => {
    await database.close();
  });

  const key = (over: Partial<StoredApiKey> = {}): StoredApiKey & { secret: string } => {
    const made = newApiKey();
    return {
      id: made.id,
      secret: made.key,
      name: 'export',
      scope: 'read',
      namespaces: ['lab-vision', 'course-ml'],
      secretSha256: made.secretSha256,
      createdAt: NOW,
      createdBy: 'admin',
      expiresAt: NOW + 86_400_000,
      lastUsedAt: null,
      revokedAt: null,
      ...over,
    };
  };

  it('should keep a key exactly, list keys newest first, and record the last use', async () => {
    const older = key({ createdAt: NOW - 1000, name: 'older', expiresAt: null });
    const newer = key({ name: 'newer ünïcode', scope: 'billing-admin', namespaces: ['*'] });
    for (const k of [older, newer]) await keys.insert(withoutSecret(k));
    expect(await keys.find(newer.id)).toEqual(withoutSecret(newer));
    expect((await keys.list()).map((k) => k.name)).toEqual(['newer ünïcode', 'older']);
    await keys.touch(older.id, NOW + 5);
    expect((await keys.find(older.id))?.lastUsedAt).toBe(NOW + 5);
    expect(await keys.find('0'.repeat(16))).toBeUndefined();
  });

  it('should revoke once, and the verifier refuse the key from then on', async () => {
    const k = key();
    const secret = k.secret;
    await keys.insert(withoutSecret(k));
    const verifier = new ApiKeyVerifier(keys);
    await expect(verifier.verify(secret, NOW)).resolves.toMatchObject({ kind: 'key', id: k.id, namespaces: ['lab-vision', 'course-ml'] });
    expect(await keys.revoke(k.id, NOW + 1)).toBe(true);
    expect(await keys.revoke(k.id, NOW + 2)).toBe(false);
    expect((await keys.find(k.id))?.revokedAt).toBe(NOW + 1);
    await expect(verifier.verify(secret, NOW + 3)).rejects.toThrow('API key was revoked');
  });
});
