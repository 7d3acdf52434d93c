/**
 * Typed configuration, read once from the environment at boot and validated:
 * a bad or missing value stops the process with a message naming the variable.
 * The rest of the API reads configuration only through `AppConfig`.
 */
import { randomBytes } from 'node:crypto';

import { isTimeZone } from '@kube-monitoring/accounting';

import { GroupMapping, GroupMappingError, loadGroupMapping } from './group-mapping';
import { LdapConfig, LdapConfigError, loadLdapConfig } from './ldap-config';

export interface AppConfig {
  nodeEnv: string;
  port: number;
  host: string;
  influx: {
    host: string;
    port: number;
    user: string;
    password: string;
    database: string;
    /** Per-request timeout towards InfluxDB, ms. */
    timeoutMs: number;
  };
  apiUsername: string;
  apiPassword: string;
  /** `postgres://…` switches the user store to PostgreSQL; otherwise a SQLite file. */
  databaseUrl: string | undefined;
  sqlitePath: string;
  jwtSecret: string;
  /** True when no JWT_SECRET was given and one was generated for this run. */
  jwtSecretGenerated: boolean;
  jwtExpiresInSeconds: number;
  logDir: string;
  logLevel: string;
  corsOrigins: string[];
  /** Directory of the built SPA served at /web; empty disables it. */
  webDir: string;
  /** Seconds of the sample resolution; 0 = detect from the data. */
  metricsResolutionSeconds: number;
  /**
   * Which proxies' `X-Forwarded-For` is believed (client address for logs and the per-address login
   * limits): `false`, `true`, a number of proxy hops in front of the API, or a list of addresses,
   * CIDRs and `loopback`/`linklocal`/`uniquelocal`.
   */
  trustProxy: boolean | number | string[];
  /** Failed logins per minute, all addresses and usernames together, past which only known browsers may try. */
  loginGlobalFailuresPerMinute: number;
  /** `heapster` or `telegraf` storage schema (issue: today's clusters). */
  metricsSchema: 'heapster' | 'telegraf' | 'auto';
  /** Port of the Prometheus `/metrics` listener (on `host`, apart from the API port); 0 = none. */
  metricsPort: number;
  /** Limits of the HTTP server against slow and piled-up clients. */
  http: {
    /** Headers and body of a request must have arrived this long after it started, or 408 and close. */
    receiveTimeoutMs: number;
    /** A connection with nothing received or sent for this long is closed (longer than the slowest report). */
    idleTimeoutMs: number;
    /** How long an idle keep-alive connection is kept between two requests. */
    keepAliveTimeoutMs: number;
    /** Connections beyond this many are refused. */
    maxConnections: number;
  };
  /** Answers over settled periods kept in memory; recent periods are always read afresh (`SettledPeriodCache`). */
  settledCache: {
    /** A period whose newest sample read is older than this is final (late samples have landed). */
    settleMs: number;
    /** How long a kept answer is served (a backfill shows after at most this long). */
    ttlMs: number;
    /** Answers kept per cache; 0 turns caching off. */
    maxEntries: number;
  };
  /** IANA time zone of the report windows' calendar (`today`, `lastmonth`) and of report steps. */
  billingTimeZone: string;
  /** Who the invoice exports name: the issuer (FOCUS InvoiceIssuerName, the PDF's header), the provider, the cluster. */
  billing: { issuerName: string; providerName: string; clusterName: string | undefined };
  /** The usage ledger: hourly rollups in the users' database, rolled by a worker inside the API. */
  ledger: {
    /** `LEDGER_ENABLED=false` turns the worker and the reads off. */
    enabled: boolean;
    /** An hour is rolled this long after it ends (late samples and collector retries have landed). */
    settleMs: number;
    /** Where the first backfill starts (epoch ms); none: at the oldest sample. */
    backfillFromMs: number | undefined;
    /** Rolled hours this far back are checked for samples that landed after they were rolled. */
    recheckMs: number;
    /** How often the worker looks for work when it has none. */
    pollMs: number;
  };
  /** Per-caller limits on requests that read InfluxDB at length (aggregations, usage reports, charts); in memory, per replica. */
  heavyRequests: {
    /** At most this many of one caller's run at once. */
    perCaller: number;
    /** At most this many of one caller's start per minute; 0 = no rate limit. */
    perMinute: number;
  };
  /** LDAP sign-in (`LDAP_*`); undefined: local accounts only. */
  ldap: LdapConfig | undefined;
  /** Group → role and group → namespaces for people signed in by a provider (LDAP, OIDC). */
  groupMapping: GroupMapping;
}

export class ConfigError extends Error {}

export const MIN_API_PASSWORD_LENGTH = 16;

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback?: string): string {
  const v = env[name];
  if (v === undefined || v === '') {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`${name} is required: set it in the environment (see the configuration table in README.md)`);
  }
  return v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  const v = Number(raw);
  if (v < min || v > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${v}`);
  return v;
}

/** Parses durations like `3600`, `30m`, `12h`, `7d` into seconds. */
function durationSeconds(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(raw.trim());
  if (!m) throw new ConfigError(`${name} must be a duration like 3600, 30m, 12h or 7d, got "${raw}"`);
  const mult = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  const v = Number(m[1]) * mult;
  if (v <= 0) throw new ConfigError(`${name} must be positive`);
  return v;
}

function timeZone(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim() || fallback;
  if (!isTimeZone(raw)) throw new ConfigError(`${name} must be an IANA time zone like UTC or Europe/Paris, got "${raw}"`);
  return raw;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

/** An instant like `2026-01-01` or `2026-01-01T00:00:00Z`, as epoch ms; unset: undefined. */
function instantMs(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const m = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(raw);
  // A date-time without an offset is UTC, as everywhere in the API.
  const ms = m ? Date.parse(m[1] && !m[4] ? `${raw}Z` : raw) : NaN;
  if (!Number.isFinite(ms) || ms < 0) throw new ConfigError(`${name} must be a date or date-time like 2026-01-01 or 2026-01-01T00:00:00Z, got "${raw}"`);
  return ms;
}

function ledgerSettings(env: Env): AppConfig['ledger'] {
  return {
    enabled: bool(env, 'LEDGER_ENABLED', true),
    settleMs: durationSeconds(env, 'LEDGER_SETTLE_AFTER', 3600) * 1000,
    backfillFromMs: instantMs(env, 'LEDGER_BACKFILL_FROM'),
    recheckMs: durationSeconds(env, 'LEDGER_RECHECK', 24 * 3600) * 1000,
    pollMs: durationSeconds(env, 'LEDGER_POLL_INTERVAL', 60) * 1000,
  };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = env['NODE_ENV'] ?? 'development';
  const production = nodeEnv === 'production';

  const jwtSecretRaw = env['JWT_SECRET'];
  if (production && !jwtSecretRaw) {
    throw new ConfigError('JWT_SECRET is required when NODE_ENV=production: set it to a long random string (e.g. `openssl rand -hex 32`)');
  }
  if (jwtSecretRaw !== undefined && jwtSecretRaw !== '' && jwtSecretRaw.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters long');
  }

  const databaseUrl = env['DATABASE_URL'] || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// (leave it unset to use the SQLite file)');
  }

  const schema = (env['METRICS_SCHEMA'] ?? 'heapster').toLowerCase();
  if (!['heapster', 'telegraf', 'auto'].includes(schema)) {
    throw new ConfigError(`METRICS_SCHEMA must be heapster, telegraf or auto, got "${env['METRICS_SCHEMA']}"`);
  }

  const logLevel = env['LOG_LEVEL'] ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }

  const corsOrigins = (env['CORS_ORIGINS'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const o of corsOrigins) {
    if (o !== '*' && !/^https?:\/\/[^\s/]+$/.test(o)) {
      throw new ConfigError(`CORS_ORIGINS entries must be origins like https://dash.example.org, got "${o}"`);
    }
  }

  const trustRaw = (env['TRUST_PROXY'] ?? 'loopback').trim();
  let trustProxy: boolean | number | string[];
  if (trustRaw === 'true' || trustRaw === 'false') trustProxy = trustRaw === 'true';
  // A hop count trusts exactly the proxies the deployment puts in front, whatever their addresses:
  // entries a client adds to X-Forwarded-For itself stay further left and are never taken as its address.
  else if (/^\d+$/.test(trustRaw)) trustProxy = int(env, 'TRUST_PROXY', 0, 0, 20);
  else {
    trustProxy = trustRaw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const t of trustProxy) {
      if (!/^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/.test(t)) {
        throw new ConfigError(
          `TRUST_PROXY must be true, false, a number of proxy hops (0-20) or a comma-separated list of addresses, CIDRs, loopback, linklocal, uniquelocal; got "${t}"`,
        );
      }
    }
  }

  // The service password guards every billing figure: refuse one that can be guessed.
  const apiPassword = str(env, 'API_PASSWORD');
  if (apiPassword.length < MIN_API_PASSWORD_LENGTH) {
    throw new ConfigError(`API_PASSWORD must be at least ${MIN_API_PASSWORD_LENGTH} characters long (e.g. \`openssl rand -hex 24\`)`);
  }

  // Metrics have their own port, so the API port (public through the ingress) does not serve them.
  const port = int(env, 'PORT', 8000, 1, 65535);
  const metricsPort = int(env, 'METRICS_PORT', 9464, 0, 65535);
  if (metricsPort === port) throw new ConfigError(`METRICS_PORT must differ from PORT (${port}); 0 turns the metrics listener off`);

  // Slow clients: a request must arrive quickly, while answering may take long (a 30-day report: ~45 s).
  const http = {
    receiveTimeoutMs: durationSeconds(env, 'HTTP_RECEIVE_TIMEOUT', 10) * 1000,
    idleTimeoutMs: durationSeconds(env, 'HTTP_IDLE_TIMEOUT', 120) * 1000,
    keepAliveTimeoutMs: durationSeconds(env, 'HTTP_KEEP_ALIVE_TIMEOUT', 72) * 1000,
    maxConnections: int(env, 'HTTP_MAX_CONNECTIONS', 1024, 1, 1_000_000),
  };

  return {
    nodeEnv,
    trustProxy,
    loginGlobalFailuresPerMinute: int(env, 'LOGIN_GLOBAL_FAILURES_PER_MINUTE', 20, 1, 100_000),
    metricsPort,
    http,
    port,
    host: env['HOST'] || '0.0.0.0',
    influx: {
      host: str(env, 'INFLUXDB_HOST', 'localhost'),
      port: int(env, 'INFLUXDB_PORT', 8086, 1, 65535),
      user: env['INFLUXDB_USER'] ?? '',
      password: env['INFLUXDB_PASS'] ?? '',
      database: str(env, 'INFLUXDB_DB', 'k8s'),
      timeoutMs: int(env, 'INFLUXDB_TIMEOUT_MS', 10000, 100, 600000),
    },
    apiUsername: str(env, 'API_USERNAME'),
    apiPassword,
    databaseUrl,
    sqlitePath: env['SQLITE_PATH'] || 'data/kube-monitoring.sqlite',
    jwtSecret: jwtSecretRaw || randomBytes(32).toString('hex'),
    jwtSecretGenerated: !jwtSecretRaw,
    jwtExpiresInSeconds: durationSeconds(env, 'JWT_EXPIRES_IN', 8 * 3600),
    logDir: env['LOG_DIR'] || (production ? '/logs/kube-monitoring' : 'logs'),
    logLevel,
    corsOrigins,
    webDir: env['WEB_DIR'] ?? 'dist/apps/web/browser',
    metricsResolutionSeconds: int(env, 'METRICS_RESOLUTION_SECONDS', 0, 0, 86400),
    metricsSchema: schema as AppConfig['metricsSchema'],
    settledCache: {
      settleMs: durationSeconds(env, 'CACHE_SETTLE_AFTER', 3600) * 1000,
      ttlMs: durationSeconds(env, 'CACHE_TTL', 600) * 1000,
      maxEntries: int(env, 'CACHE_MAX_ENTRIES', 256, 0, 100_000),
    },
    heavyRequests: heavyRequestLimits(env),
    billingTimeZone: timeZone(env, 'BILLING_TIMEZONE', 'UTC'),
    billing: billingNames(env),
    ledger: ledgerSettings(env),
    ...signInProviders(env),
  };
}

/** The directory (and later other providers) and the one group mapping they share. */
function signInProviders(env: Env): Pick<AppConfig, 'ldap' | 'groupMapping'> {
  try {
    const ldap = loadLdapConfig(env);
    const groupMapping = loadGroupMapping(env);
    if (ldap && groupMapping.empty) {
      throw new ConfigError(
        'LDAP_URL is set but no group is mapped: set AUTH_ROLE_MAP and/or AUTH_NAMESPACE_MAP (or AUTH_GROUP_MAP_FILE), else nobody from the directory may sign in',
      );
    }
    return { ldap, groupMapping };
  } catch (err) {
    if (err instanceof LdapConfigError || err instanceof GroupMappingError) throw new ConfigError(err.message);
    throw err;
  }
}

/** The names the invoice exports carry; the provider is the issuer unless said otherwise (an in-house cluster). */
function billingNames(env: Env): AppConfig['billing'] {
  const issuerName = (env['BILLING_ISSUER_NAME'] ?? '').trim() || 'kube-monitoring';
  const clusterName = (env['BILLING_CLUSTER_NAME'] ?? '').trim();
  if (clusterName !== '' && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(clusterName)) {
    throw new ConfigError(`BILLING_CLUSTER_NAME must be 1 to 63 letters, digits, ".", "_" or "-", got "${clusterName.slice(0, 80)}"`);
  }
  return { issuerName, providerName: (env['BILLING_PROVIDER_NAME'] ?? '').trim() || issuerName, clusterName: clusterName || undefined };
}

/**
 * One caller (the service credential, or one dashboard user) may not occupy InfluxDB alone. The
 * dashboard's overview asks for 4 charts at once: 6 leaves room for a second tab.
 */
function heavyRequestLimits(env: Env): AppConfig['heavyRequests'] {
  return {
    perCaller: int(env, 'HEAVY_REQUESTS_PER_CALLER', 6, 1, 10_000),
    perMinute: int(env, 'HEAVY_REQUESTS_PER_MINUTE', 600, 0, 1_000_000),
  };
}

/** Injection token for the typed config. */
export const APP_CONFIG = Symbol('APP_CONFIG');
