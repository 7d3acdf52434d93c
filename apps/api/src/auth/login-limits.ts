/**
 * How hard login may be tried. A provider (`LOGIN_LIMITS`) so suites can raise or lower it; the
 * API-wide failure limit comes from LOGIN_GLOBAL_FAILURES_PER_MINUTE. Counters live in each API
 * process: with several replicas every one counts on its own.
 */
export interface LoginLimits {
  /** Per client address, every attempt counts (@nestjs/throttler). */
  perClient: { limit: number; ttlMs: number };
  /**
   * Per username and origin (a browser that signed in to that account before, else the client
   * address): after `freeFailures`, each further attempt must wait `baseDelayMs`, doubling with every
   * failure up to `maxDelayMs` (429 with Retry-After until then). Forgotten `forgetAfterMs` after the
   * last failure, or at once by a successful login.
   */
  perOrigin: { freeFailures: number; baseDelayMs: number; maxDelayMs: number; forgetAfterMs: number };
  /**
   * Per username, from all origins but its known browsers: past `freeFailures` failures within
   * `windowMs`, every answer waits `baseDelayMs`, doubling up to `maxDelayMs`. A delay, never a
   * refusal: an attacker cannot lock the owner out.
   */
  perUsername: { freeFailures: number; baseDelayMs: number; maxDelayMs: number; windowMs: number };
  /**
   * All usernames and addresses together (password spraying from many addresses): past `failures`
   * failed logins within `windowMs`, only known browsers of the account tried may log in; others get
   * 429 without their password being checked, until the rate falls.
   */
  global: { failures: number; windowMs: number };
  /** How long a browser that signed in stays known for that account (its HttpOnly cookie's lifetime). */
  knownBrowserMs: number;
}

export const LOGIN_LIMITS = Symbol('LOGIN_LIMITS');

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perClient: { limit: 10, ttlMs: 60_000 },
  perOrigin: { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 5 * 60_000, forgetAfterMs: 15 * 60_000 },
  perUsername: { freeFailures: 5, baseDelayMs: 250, maxDelayMs: 2000, windowMs: 15 * 60_000 },
  global: { failures: 20, windowMs: 60_000 },
  knownBrowserMs: 30 * 24 * 3600_000,
};

/** The defaults with the API-wide failure limit of the configuration. */
export function loginLimitsFor(globalFailuresPerMinute: number): LoginLimits {
  return { ...DEFAULT_LOGIN_LIMITS, global: { failures: globalFailuresPerMinute, windowMs: 60_000 } };
}
