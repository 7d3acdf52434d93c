import { HttpException, HttpStatus } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';

import type { LoginLimits } from './login-limits';

const MAX_TRACKED = 50_000;
/** Past this many failures in the window the per-username delay is at its maximum anyway. */
const MAX_KEPT_PER_USERNAME = 64;

/** One login attempt as the limiter sees it (never the password). */
export interface LoginAttempt {
  username: string;
  /** Client address, as the trusted proxies report it. */
  address: string;
  /** Id of the browser's known-browser cookie, when it is valid for this username. */
  knownBrowser?: string;
}

/** 429 with the time after which trying again makes sense (the error filter sends `headers`). */
export class TooManyLoginsException extends HttpException {
  readonly headers: Record<string, string>;

  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
    this.headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
  }
}

/**
 * Slows password guessing without letting anyone lock an account (see `LoginLimits`):
 * - per username and origin, exponential waits: an attacker's own address is held off, the owner's
 *   browser or address is not;
 * - per username across origins, a bounded delay before the answer, never a refusal;
 * - across the whole API, a failure budget against spraying from many addresses: once it is spent,
 *   only browsers that signed in to the account before may try.
 * In memory, per API process.
 */
export class LoginFailureLimiter {
  private readonly origins = new Map<string, { failures: number; lastAt: number }>();
  private readonly usernames = new Map<string, number[]>();
  private globalFailures: number[] = [];
  private sprayReported = false;

  constructor(
    private readonly limits: LoginLimits,
    /** Called once when the API-wide budget runs out (for the log); again after it recovered. */
    private readonly onSpray: (failuresInWindow: number) => void = () => undefined,
  ) {}

  /**
   * Throws `TooManyLoginsException` when the attempt must not be checked now; otherwise resolves the
   * milliseconds to wait before checking the password.
   */
  admit(attempt: LoginAttempt, now = Date.now()): number {
    const originWait = this.originWaitMs(originKey(attempt), now);
    if (originWait > 0) {
      throw new TooManyLoginsException(`Too many failed logins for this username from here: try again in ${describeWait(originWait)}`, originWait);
    }
    if (attempt.knownBrowser) return 0;
    const globalWait = this.globalWaitMs(now);
    if (globalWait > 0) {
      throw new TooManyLoginsException(
        `Too many failed logins on this server: try again in ${describeWait(globalWait)} (a browser that signed in to this account before may log in now)`,
        globalWait,
      );
    }
    this.sprayReported = false;
    return this.usernameDelayMs(usernameKey(attempt.username), now);
  }

  recordFailure(attempt: LoginAttempt, now = Date.now()): void {
    const key = originKey(attempt);
    const known = this.origins.get(key);
    const origin = known && now - known.lastAt <= this.limits.perOrigin.forgetAfterMs ? known : { failures: 0, lastAt: now };
    origin.failures += 1;
    origin.lastAt = now;
    this.origins.set(key, origin);

    const user = usernameKey(attempt.username);
    const times = this.recentUsernameFailures(user, now);
    times.push(now);
    this.usernames.set(user, times.slice(-MAX_KEPT_PER_USERNAME));

    const window = this.limits.global;
    this.globalFailures = [...this.globalFailures.filter((t) => t > now - window.windowMs), now].slice(-window.failures);
    if (!this.sprayReported && this.globalFailures.length >= window.failures) {
      this.sprayReported = true;
      this.onSpray(this.globalFailures.length);
    }
    if (this.origins.size > MAX_TRACKED || this.usernames.size > MAX_TRACKED) this.prune(now);
  }

  /** The right password: this origin's failures are forgiven (the username's are not, they decay). */
  recordSuccess(attempt: LoginAttempt): void {
    this.origins.delete(originKey(attempt));
  }

  /** Milliseconds until this origin may try this username again; 0 when it may now. */
  private originWaitMs(key: string, now: number): number {
    const origin = this.origins.get(key);
    if (!origin) return 0;
    const { freeFailures, baseDelayMs, maxDelayMs, forgetAfterMs } = this.limits.perOrigin;
    if (now - origin.lastAt > forgetAfterMs) {
      this.origins.delete(key);
      return 0;
    }
    if (origin.failures < freeFailures) return 0;
    return Math.max(0, origin.lastAt + backoff(origin.failures - freeFailures, baseDelayMs, maxDelayMs) - now);
  }

  private usernameDelayMs(user: string, now: number): number {
    const { freeFailures, baseDelayMs, maxDelayMs } = this.limits.perUsername;
    const failures = this.recentUsernameFailures(user, now).length;
    return failures < freeFailures ? 0 : backoff(failures - freeFailures, baseDelayMs, maxDelayMs);
  }

  private globalWaitMs(now: number): number {
    const { failures, windowMs } = this.limits.global;
    const recent = this.globalFailures.filter((t) => t > now - windowMs);
    if (recent.length < failures) return 0;
    // Until the oldest failure that still counts leaves the window.
    return recent[recent.length - failures] + windowMs - now;
  }

  private recentUsernameFailures(user: string, now: number): number[] {
    return (this.usernames.get(user) ?? []).filter((t) => t > now - this.limits.perUsername.windowMs);
  }

  /** Drops what no longer counts; if an attacker floods usernames or addresses, forgets the oldest rather than grow. */
  private prune(now: number): void {
    for (const key of [...this.origins.keys()]) this.originWaitMs(key, now);
    for (const [user, times] of this.usernames) {
      if (times.every((t) => t <= now - this.limits.perUsername.windowMs)) this.usernames.delete(user);
    }
    for (const map of [this.origins, this.usernames] as Map<string, unknown>[]) {
      for (const key of map.keys()) {
        if (map.size <= MAX_TRACKED / 2) break;
        map.delete(key);
      }
    }
  }
}

/** `base`, doubling `steps` times, at most `max`. */
function backoff(steps: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.min(steps, 40));
}

function usernameKey(username: string): string {
  return username.trim().toLowerCase().slice(0, 128);
}

/** A known browser is its own origin; otherwise the address (an IPv6 client by its /64, which one host can fill). */
function originKey(attempt: LoginAttempt): string {
  const origin = attempt.knownBrowser ? `browser ${attempt.knownBrowser}` : `address ${normalizeIp(attempt.address, 64)}`;
  return `${usernameKey(attempt.username)}\u0000${origin}`;
}

function describeWait(ms: number): string {
  if (ms < 60_000) {
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    return `${seconds} second${seconds === 1 ? '' : 's'}`;
  }
  const minutes = Math.ceil(ms / 60_000);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
