import { HttpException, HttpStatus, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';

import { AccessScope } from '../access/access-scope';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ConcurrencyCounter } from './concurrency-counter';

/** Called by a heavy request before it reads InfluxDB; rejects with a 429 when the caller is over a limit. */
export type Admit = () => Promise<void>;

/** Seconds a caller refused for concurrency is told to wait (its other requests are running). */
const BUSY_RETRY_AFTER_S = 2;
const MINUTE_MS = 60_000;

/** 429 with `Retry-After` (the exception filter sends `headers`). */
export class TooManyHeavyRequestsException extends HttpException {
  readonly headers: Record<string, string>;

  constructor(message: string, retryAfterS: number) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
    this.headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterS))) };
  }
}

/** Who a request counts against: the service credential, or one dashboard user. */
export function callerKeyOf(scope: AccessScope): string {
  if (scope.kind === 'key') return `key:${scope.id}`;
  return scope.kind === 'service' ? 'service' : `user:${scope.username}`;
}

/**
 * Per-caller limits on heavy requests (aggregations, usage reports, charts), so that one caller
 * cannot occupy InfluxDB alone: at most `HEAVY_REQUESTS_PER_CALLER` at once, and at most
 * `HEAVY_REQUESTS_PER_MINUTE` started per minute (sliding window, @nestjs/throttler's storage).
 * Counted in memory, per replica. A request counts only once it needs InfluxDB: an answer the
 * settled-period cache holds (or is computing for someone else) costs nothing.
 */
@Injectable()
export class HeavyRequestLimiter implements OnApplicationShutdown {
  private readonly inFlight = new ConcurrencyCounter();
  private readonly starts = new ThrottlerStorageService();
  private readonly limits: AppConfig['heavyRequests'];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.limits = config.heavyRequests;
  }

  /**
   * Runs one heavy request of the caller of `scope`. `work` calls `admit` before it reads InfluxDB;
   * the first call takes one of the caller's slots (given back when `work` settles) and counts one
   * start, or rejects with a 429. Later calls share the first one's outcome.
   */
  async run<T>(scope: AccessScope, work: (admit: Admit) => Promise<T>): Promise<T> {
    const caller = callerKeyOf(scope);
    let admission: Promise<void> | undefined;
    let release: (() => void) | undefined;
    let finished = false;
    const admit: Admit = () => {
      // A branch of `work` still running after it failed must not take a slot nobody gives back.
      if (finished) return Promise.reject(new Error('heavy request already finished'));
      admission ??= this.admit(caller, (r) => (release = r));
      return admission;
    };
    try {
      return await work(admit);
    } finally {
      finished = true;
      release?.();
    }
  }

  /** Takes a slot synchronously (handing its release to `hold` before anything is awaited), then counts the start. */
  private async admit(caller: string, hold: (release: () => void) => void): Promise<void> {
    const { perCaller, perMinute } = this.limits;
    const release = this.inFlight.tryAcquire(caller, perCaller);
    if (!release) {
      throw new TooManyHeavyRequestsException(
        `Too many heavy requests at once: at most ${perCaller} aggregations, usage reports and charts per caller run at the same time; retry when one has finished`,
        BUSY_RETRY_AFTER_S,
      );
    }
    hold(release);
    if (perMinute === 0) return;
    const record = await this.starts.increment(caller, MINUTE_MS, perMinute, 0, 'heavy');
    if (record.isBlocked) {
      throw new TooManyHeavyRequestsException(
        `Too many heavy requests: at most ${perMinute} aggregations, usage reports and charts per caller per minute; retry in ${record.timeToBlockExpire} s`,
        record.timeToBlockExpire,
      );
    }
  }

  onApplicationShutdown(): void {
    this.starts.onApplicationShutdown();
  }
}
