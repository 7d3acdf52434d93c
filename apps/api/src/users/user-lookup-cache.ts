import type { UserIdentity } from './user-view';

export const DEFAULT_USER_CACHE_TTL_MS = 3000;
const MAX_ENTRIES = 10_000;

/**
 * Remembers who a username is for a few seconds, so a page firing ten API calls does not cost ten
 * database reads, while a deleted or demoted user still loses access within the TTL. Writes through
 * `UsersService` evict at once; changes made by the CLI (another process) show within the TTL.
 */
export class UserLookupCache {
  private readonly entries = new Map<string, { identity: UserIdentity | null; expiresAt: number }>();

  constructor(private readonly ttlMs = DEFAULT_USER_CACHE_TTL_MS) {}

  /** The cached answer (null = known not to exist), or undefined when it must be read again. */
  get(username: string, now = Date.now()): UserIdentity | null | undefined {
    const entry = this.entries.get(username);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(username);
      return undefined;
    }
    return entry.identity;
  }

  set(username: string, identity: UserIdentity | null, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(username, { identity, expiresAt: now + this.ttlMs });
  }

  evict(username: string): void {
    this.entries.delete(username);
  }
}
