import { HttpException } from '@nestjs/common';

import { LoginFailureLimiter } from './login-failure-limiter';

describe(LoginFailureLimiter.name, () => {
  const minute = 60_000;

  it('should answer 429 after the allowed failures, until the window has passed', () => {
    const limiter = new LoginFailureLimiter(3, 15 * minute);
    for (let i = 0; i < 3; i++) {
      expect(() => limiter.assertMayTry('alice', i * minute)).not.toThrow();
      limiter.recordFailure('alice', i * minute);
    }
    expect(() => limiter.assertMayTry('alice', 3 * minute)).toThrow(HttpException);
    expect(() => limiter.assertMayTry('alice', 3 * minute)).toThrow('Too many failed logins for this username: try again in 12 minutes');
    // The oldest failure leaves the window at 15 min: one more try allowed.
    expect(() => limiter.assertMayTry('alice', 15 * minute)).not.toThrow();
  });

  it('should count per username, case-insensitively, and forget on success', () => {
    const limiter = new LoginFailureLimiter(2, minute);
    limiter.recordFailure('Alice', 0);
    limiter.recordFailure('alice', 1);
    expect(limiter.retryAfterMs('ALICE', 2)).toBe(minute - 2);
    expect(limiter.retryAfterMs('bob', 2)).toBe(0);
    limiter.reset('alice');
    expect(limiter.retryAfterMs('alice', 3)).toBe(0);
  });

  it('should answer with the 429 status', () => {
    const limiter = new LoginFailureLimiter(1, minute);
    limiter.recordFailure('eve', 0);
    try {
      limiter.assertMayTry('eve', 1);
      throw new Error('expected a 429');
    } catch (err) {
      expect((err as HttpException).getStatus()).toBe(429);
    }
  });
});
