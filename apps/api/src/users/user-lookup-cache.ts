import type { AuthUser } from '../guards/auth-user';

/**
 * How long a lookup is reused. It is also how long a revocation made elsewhere (another API replica
 * sharing PostgreSQL, or the users CLI) may take to reach this process: the replica that makes a
 * change evicts at once.
 */
export const DEFAULT_USER_CACHE_TTL_MS = 3000;
/** Revocation must stay prompt: no cache may keep a user longer than this. */
export const MAX_USER_CACHE_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

/**
 * Remembers who an account id is for a few seconds, so a page firing ten API calls does not cost ten
 * database reads, while a deleted, demoted or logged-out user still loses access within the TTL.
 * Writes through `UsersService` evict at once.
 */
export class UserLookupCache {
  private readonly entries = new Map<number, { identity: AuthUser | null; expiresAt: number }>();

  constructor(private readonly ttlMs = DEFAULT_USER_CACHE_TTL_MS) {
    if (!(ttlMs >= 0 && ttlMs <= MAX_USER_CACHE_TTL_MS)) {
      throw new RangeError(`user lookup cache TTL must be 0-${MAX_USER_CACHE_TTL_MS} ms, got ${ttlMs}`);
    }
  }

  /** The cached answer (null = known not to exist), or undefined when it must be read again. */
  get(id: number, now = Date.now()): AuthUser | null | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.identity;
  }

  set(id: number, identity: AuthUser | null, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(id, { identity, expiresAt: now + this.ttlMs });
  }

  evict(id: number): void {
    this.entries.delete(id);
  }
}
