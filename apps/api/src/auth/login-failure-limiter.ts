import { HttpException, HttpStatus } from '@nestjs/common';

const MAX_TRACKED = 50_000;

/**
 * Counts failed logins per username over a sliding window, whichever address they come from, so
 * guessing one account's password from many addresses is slowed too. In memory: per API process.
 */
export class LoginFailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
  ) {}

  /** 429 while `username` has used up its failures. */
  assertMayTry(username: string, now = Date.now()): void {
    const wait = this.retryAfterMs(username, now);
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      throw new HttpException(
        `Too many failed logins for this username: try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  /** Milliseconds until `username` may try again; 0 when it may now. */
  retryAfterMs(username: string, now = Date.now()): number {
    const recent = this.recent(this.key(username), now);
    if (recent.length < this.maxFailures) return 0;
    return recent[recent.length - this.maxFailures] + this.windowMs - now;
  }

  recordFailure(username: string, now = Date.now()): void {
    const key = this.key(username);
    const recent = this.recent(key, now);
    recent.push(now);
    // Only the newest maxFailures matter for the decision.
    this.failures.set(key, recent.slice(-this.maxFailures));
    if (this.failures.size > MAX_TRACKED) this.prune(now);
  }

  reset(username: string): void {
    this.failures.delete(this.key(username));
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  /** Drops expired entries; if an attacker floods usernames, forgets the oldest rather than grow. */
  private prune(now: number): void {
    for (const [key, times] of this.failures) {
      if (times.every((t) => t <= now - this.windowMs)) this.failures.delete(key);
    }
    for (const key of this.failures.keys()) {
      if (this.failures.size <= MAX_TRACKED / 2) break;
      this.failures.delete(key);
    }
  }

  private key(username: string): string {
    return username.trim().toLowerCase().slice(0, 128);
  }
}
