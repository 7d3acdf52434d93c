import { Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerStorageService } from '@nestjs/throttler';

import { LOGIN_LIMITS, LoginLimits } from './login-limits';

/** The login throttler's own counters, apart from any other throttling the API may add. */
@Injectable()
export class LoginThrottlerStorage extends ThrottlerStorageService {}

/**
 * @nestjs/throttler's guard limited to login attempts per client address. Configured here rather than
 * with a global `ThrottlerModule.forRoot`, so login limits cannot clash with other throttling.
 */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  // Every parameter names its token: Nest would otherwise inherit ThrottlerGuard's own injection tokens.
  constructor(@Inject(LOGIN_LIMITS) limits: LoginLimits, @Inject(LoginThrottlerStorage) storage: LoginThrottlerStorage, @Inject(Reflector) reflector: Reflector) {
    super(
      {
        // Named `default`: the throttler then answers the standard `Retry-After` (a named one adds its
        // name, `Retry-After-login`, which no client reads).
        throttlers: [{ name: 'default', limit: limits.perClient.limit, ttl: limits.perClient.ttlMs }],
        errorMessage: `Too many login attempts from this address: at most ${limits.perClient.limit} per ${Math.round(limits.perClient.ttlMs / 1000)} s, try again later`,
      },
      storage,
      reflector,
    );
  }
}
