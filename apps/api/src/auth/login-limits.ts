/** How hard login may be tried. A provider (`LOGIN_LIMITS`) so suites can raise or lower it. */
export interface LoginLimits {
  /** Per client address, every attempt counts (@nestjs/throttler). */
  perClient: { limit: number; ttlMs: number };
  /** Per username, failed attempts count; reaching the limit answers 429 until the window passes. */
  perUsername: { failures: number; windowMs: number };
}

export const LOGIN_LIMITS = Symbol('LOGIN_LIMITS');

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perClient: { limit: 10, ttlMs: 60_000 },
  perUsername: { failures: 5, windowMs: 15 * 60_000 },
};
