import { ServiceUnavailableException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { isConnectionError, withoutQueryDetails } from './connection-errors';
import { buildDataSourceOptions, prepareSqliteDirectory } from './data-source-options';
import { DatabaseConfig, describeDatabase } from './database-config';

/** 503 for login, /me and /api/users while the user store cannot be reached; the service API keeps working. */
export class UserDatabaseUnavailableException extends ServiceUnavailableException {
  constructor(cause?: unknown) {
    super('User database unavailable', { cause: withoutQueryDetails(cause) });
  }
}

export interface UserDatabaseLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface UserDatabaseOptions {
  logger: UserDatabaseLogger;
  /** Background reconnection delays, ms: doubles from `min` up to `max`. */
  retryDelayMs?: { min: number; max: number };
  /** Requests arriving while the store is down try to connect at most this often, ms. */
  minAttemptIntervalMs?: number;
}

/** Any 32-bit number unique to this application: serialises migrations across API replicas. */
const MIGRATION_LOCK_KEY = 0x6b6d7573; // "kmus"

/**
 * Owns the TypeORM DataSource of the user store and its availability.
 *
 * The service API must keep answering when the user store is down, so nothing here throws at boot:
 * `start()` tries once, then keeps reconnecting in the background; `run()` answers 503 (as
 * `UserDatabaseUnavailableException`) while the store is away and works again as soon as it is back.
 * Migrations run on every (re)connection, under a PostgreSQL advisory lock so replicas do not race.
 */
export class UserDatabase {
  readonly description: string;
  private readonly dataSource: DataSource;
  private readonly logger: UserDatabaseLogger;
  private readonly retryDelay: { min: number; max: number };
  private readonly minAttemptIntervalMs: number;
  private ready = false;
  private closed = false;
  private connecting: Promise<DataSource> | undefined;
  private lastAttemptAt = 0;
  private lastError: unknown;
  private retryTimer: NodeJS.Timeout | undefined;
  private nextRetryMs: number;
  private outageLogged = false;
  /** Tail of the SQLite operation queue (see `run`). */
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: DatabaseConfig,
    options: UserDatabaseOptions,
  ) {
    this.logger = options.logger;
    this.retryDelay = options.retryDelayMs ?? { min: 1000, max: 30_000 };
    this.minAttemptIntervalMs = options.minAttemptIntervalMs ?? 1000;
    this.nextRetryMs = this.retryDelay.min;
    this.description = describeDatabase(config);
    this.dataSource = new DataSource(
      buildDataSourceOptions(config, {
        onPoolError: (err) => this.noteOutage(err),
      }),
    );
  }

  get type(): 'postgres' | 'sqlite' {
    return this.config.databaseUrl ? 'postgres' : 'sqlite';
  }

  /** True once connected and migrated (a later outage is seen by `run()`/`ping()`, not here). */
  get available(): boolean {
    return this.ready;
  }

  /** Connects and migrates; on failure logs, schedules reconnection and resolves `false`. Never throws. */
  async start(): Promise<boolean> {
    try {
      await this.connect();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Connects and migrates, throwing on failure (the CLI wants the reason; the API uses `start()`).
   * Concurrent callers share one attempt.
   */
  async connect(): Promise<DataSource> {
    if (this.closed) throw new UserDatabaseUnavailableException(new Error('user database closed'));
    if (this.ready) return this.dataSource;
    this.connecting ??= this.attempt().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /**
   * Runs `work` on the store; 503 while it is unreachable, whether before or during the call.
   * With SQLite, TypeORM shares one connection between all callers, so a transaction would swallow
   * the statements of concurrent requests: operations are queued and run one at a time (each is a few
   * milliseconds; password hashing happens outside).
   */
  run<T>(work: (dataSource: DataSource) => Promise<T>): Promise<T> {
    if (this.type !== 'sqlite') return this.runNow(work);
    const result = this.sqliteQueue.then(() => this.runNow(work));
    this.sqliteQueue = result.catch(() => undefined);
    return result;
  }

  /** `run` inside one transaction. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.run((dataSource) => dataSource.transaction(work));
  }

  private async runNow<T>(work: (dataSource: DataSource) => Promise<T>): Promise<T> {
    const dataSource = await this.connected();
    try {
      const result = await work(dataSource);
      if (this.outageLogged) {
        this.outageLogged = false;
        this.logger.log(`user database reachable again: ${this.description}`);
      }
      return result;
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      this.noteOutage(err);
      throw new UserDatabaseUnavailableException(err);
    }
  }

  /** Readiness probe: a round trip to the store. */
  async ping(): Promise<boolean> {
    try {
      await this.run((ds) => ds.query('SELECT 1'));
      return true;
    } catch {
      return false;
    }
  }

  /** The reason of the last failure, for logs and readiness messages (no credentials in it). */
  get lastFailure(): string | undefined {
    return this.lastError instanceof Error ? this.lastError.message : this.lastError ? String(this.lastError) : undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ready = false;
    clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private async connected(): Promise<DataSource> {
    if (this.ready) return this.dataSource;
    if (this.connecting) return this.connecting.catch((err) => Promise.reject(new UserDatabaseUnavailableException(err)));
    // While the store is down, answer at once rather than letting every login wait for a connect timeout.
    if (Date.now() - this.lastAttemptAt < this.minAttemptIntervalMs) throw new UserDatabaseUnavailableException(this.lastError);
    try {
      return await this.connect();
    } catch (err) {
      throw err instanceof UserDatabaseUnavailableException ? err : new UserDatabaseUnavailableException(err);
    }
  }

  private async attempt(): Promise<DataSource> {
    this.lastAttemptAt = Date.now();
    try {
      if (this.type === 'sqlite') prepareSqliteDirectory(this.config);
      if (!this.dataSource.isInitialized) await this.dataSource.initialize();
      const applied = await this.migrate();
      for (const name of applied) this.logger.log(`applied migration ${name} to ${this.description}`);
      this.ready = true;
      this.lastError = undefined;
      this.outageLogged = false;
      this.nextRetryMs = this.retryDelay.min;
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.logger.log(`user database ready: ${this.description}`);
      return this.dataSource;
    } catch (err) {
      this.lastError = err;
      if (!this.outageLogged) {
        this.logger.error(`user database unavailable (${this.description}): ${(err as Error).message}; retrying in the background`);
        this.outageLogged = true;
      }
      this.scheduleRetry();
      throw err;
    }
  }

  private async migrate(): Promise<string[]> {
    if (this.type !== 'postgres') {
      return (await this.dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    }
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      return (await this.dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await lock.release();
    }
  }

  /**
   * A query failed for want of a connection. The pool heals itself once the server is back, so stay
   * "ready" (no re-migration needed) but log the outage once.
   */
  private noteOutage(err: unknown): void {
    this.lastError = err;
    if (!this.outageLogged) {
      this.logger.warn(`user database connection lost (${this.description}): ${(err as Error).message}`);
      this.outageLogged = true;
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.nextRetryMs;
    this.nextRetryMs = Math.min(this.nextRetryMs * 2, this.retryDelay.max);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch(() => undefined);
    }, delay);
    // Reconnection must never keep a finishing process (CLI, tests) alive.
    this.retryTimer.unref();
  }
}
