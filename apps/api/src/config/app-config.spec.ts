import { ConfigError, loadConfig } from './app-config';

const REQUIRED = { API_USERNAME: 'billing', API_PASSWORD: 'a-long-password-1' };

describe('loadConfig', () => {
  it('should keep settled answers an hour after their period, for ten minutes, 256 per cache by default', () => {
    expect(loadConfig(REQUIRED).settledCache).toEqual({ settleMs: 3_600_000, ttlMs: 600_000, maxEntries: 256 });
  });

  it('should read the cache settings as durations and a count, 0 turning caching off', () => {
    const config = loadConfig({ ...REQUIRED, CACHE_SETTLE_AFTER: '2h', CACHE_TTL: '90', CACHE_MAX_ENTRIES: '0' });
    expect(config.settledCache).toEqual({ settleMs: 7_200_000, ttlMs: 90_000, maxEntries: 0 });
  });

  it('should refuse malformed cache settings, naming the variable', () => {
    expect(() => loadConfig({ ...REQUIRED, CACHE_TTL: 'ten minutes' })).toThrow(new ConfigError('CACHE_TTL must be a duration like 3600, 30m, 12h or 7d, got "ten minutes"'));
    expect(() => loadConfig({ ...REQUIRED, CACHE_SETTLE_AFTER: '0' })).toThrow('CACHE_SETTLE_AFTER must be positive');
    expect(() => loadConfig({ ...REQUIRED, CACHE_MAX_ENTRIES: '-1' })).toThrow('CACHE_MAX_ENTRIES must be an integer between 0 and 100000, got "-1"');
  });

  it('should read TRUST_PROXY as a hop count, a switch or a list of proxy addresses', () => {
    expect(loadConfig(REQUIRED).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ ...REQUIRED, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...REQUIRED, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ ...REQUIRED, TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback']);
    expect(() => loadConfig({ ...REQUIRED, TRUST_PROXY: '21' })).toThrow(new ConfigError('TRUST_PROXY must be between 0 and 20, got 21'));
    expect(() => loadConfig({ ...REQUIRED, TRUST_PROXY: 'ingress' })).toThrow(/TRUST_PROXY must be true, false, a number of proxy hops/);
  });

  it('should limit failed logins across the API to 20 a minute unless told otherwise', () => {
    expect(loadConfig(REQUIRED).loginGlobalFailuresPerMinute).toBe(20);
    expect(loadConfig({ ...REQUIRED, LOGIN_GLOBAL_FAILURES_PER_MINUTE: '200' }).loginGlobalFailuresPerMinute).toBe(200);
    expect(() => loadConfig({ ...REQUIRED, LOGIN_GLOBAL_FAILURES_PER_MINUTE: '0' })).toThrow('LOGIN_GLOBAL_FAILURES_PER_MINUTE must be between 1 and 100000, got 0');
  });

  it('should sign people in through LDAP only with a group mapping, and report LDAP_ and mapping errors as configuration errors', () => {
    const ldap = { LDAP_URL: 'ldap://127.0.0.1:3890', LDAP_USER_BASE: 'ou=people,dc=example,dc=org', LDAP_GROUP_ATTRIBUTE: 'memberOf' };
    expect(loadConfig(REQUIRED)).toMatchObject({ ldap: undefined, groupMapping: expect.objectContaining({ empty: true }) });
    expect(() => loadConfig({ ...REQUIRED, ...ldap })).toThrow(/^LDAP_URL is set but no group is mapped/);
    expect(loadConfig({ ...REQUIRED, ...ldap, AUTH_ROLE_MAP: 'staff=viewer' }).ldap).toMatchObject({ url: 'ldap://127.0.0.1:3890' });
    expect(() => loadConfig({ ...REQUIRED, ...ldap, LDAP_STARTTLS: 'sometimes' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...REQUIRED, AUTH_ROLE_MAP: 'staff=owner' })).toThrow(ConfigError);
  });

  it('should require the service credentials', () => {
    expect(() => loadConfig({ API_USERNAME: 'billing' })).toThrow('API_PASSWORD is required');
  });

  it('should refuse a service password shorter than 16 characters', () => {
    expect(() => loadConfig({ ...REQUIRED, API_PASSWORD: '1' })).toThrow(new ConfigError('API_PASSWORD must be at least 16 characters long (e.g. `openssl rand -hex 24`)'));
    expect(() => loadConfig({ ...REQUIRED, API_PASSWORD: '0123456789abcde' })).toThrow('API_PASSWORD must be at least 16 characters long');
    expect(loadConfig({ ...REQUIRED, API_PASSWORD: '0123456789abcdef' }).apiPassword).toBe('0123456789abcdef');
  });

  it('should serve metrics on port 9464 by default, on another port when asked, or not at all with 0', () => {
    expect(loadConfig(REQUIRED).metricsPort).toBe(9464);
    expect(loadConfig({ ...REQUIRED, METRICS_PORT: '9100' }).metricsPort).toBe(9100);
    expect(loadConfig({ ...REQUIRED, METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(() => loadConfig({ ...REQUIRED, METRICS_PORT: '8000' })).toThrow('METRICS_PORT must differ from PORT (8000)');
    expect(() => loadConfig({ ...REQUIRED, METRICS_PORT: 'http' })).toThrow('METRICS_PORT must be an integer between 0 and 65535');
  });

  it('should give a request 10 s to arrive and an answer 120 s of silence, 1024 connections at most, by default', () => {
    expect(loadConfig(REQUIRED).http).toEqual({ receiveTimeoutMs: 10_000, idleTimeoutMs: 120_000, keepAliveTimeoutMs: 72_000, maxConnections: 1024 });
    const http = loadConfig({ ...REQUIRED, HTTP_RECEIVE_TIMEOUT: '2s', HTTP_IDLE_TIMEOUT: '5m', HTTP_KEEP_ALIVE_TIMEOUT: '5', HTTP_MAX_CONNECTIONS: '50' }).http;
    expect(http).toEqual({ receiveTimeoutMs: 2000, idleTimeoutMs: 300_000, keepAliveTimeoutMs: 5000, maxConnections: 50 });
  });

  it('should refuse malformed HTTP limits, naming the variable', () => {
    expect(() => loadConfig({ ...REQUIRED, HTTP_RECEIVE_TIMEOUT: 'soon' })).toThrow('HTTP_RECEIVE_TIMEOUT must be a duration');
    expect(() => loadConfig({ ...REQUIRED, HTTP_IDLE_TIMEOUT: '0' })).toThrow('HTTP_IDLE_TIMEOUT must be positive');
    expect(() => loadConfig({ ...REQUIRED, HTTP_MAX_CONNECTIONS: '0' })).toThrow('HTTP_MAX_CONNECTIONS must be between 1 and 1000000');
  });
});

describe('loadConfig: heavy-request limits', () => {
  it('should let a caller run 6 heavy requests at once and start 600 a minute by default', () => {
    expect(loadConfig(REQUIRED).heavyRequests).toEqual({ perCaller: 6, perMinute: 600 });
  });

  it('should read both limits, 0 per minute turning the rate limit off', () => {
    expect(loadConfig({ ...REQUIRED, HEAVY_REQUESTS_PER_CALLER: '2', HEAVY_REQUESTS_PER_MINUTE: '0' }).heavyRequests).toEqual({ perCaller: 2, perMinute: 0 });
  });

  it('should refuse a limit that is not a count, or no concurrency at all, naming the variable', () => {
    expect(() => loadConfig({ ...REQUIRED, HEAVY_REQUESTS_PER_CALLER: '0' })).toThrow(new ConfigError('HEAVY_REQUESTS_PER_CALLER must be between 1 and 10000, got 0'));
    expect(() => loadConfig({ ...REQUIRED, HEAVY_REQUESTS_PER_CALLER: 'four' })).toThrow('HEAVY_REQUESTS_PER_CALLER must be an integer between 1 and 10000, got "four"');
    expect(() => loadConfig({ ...REQUIRED, HEAVY_REQUESTS_PER_MINUTE: '-5' })).toThrow('HEAVY_REQUESTS_PER_MINUTE must be an integer between 0 and 1000000, got "-5"');
  });
});

describe('loadConfig: the usage ledger', () => {
  const base = REQUIRED;

  it('should roll hours an hour after they end, from the oldest sample, by default', () => {
    expect(loadConfig(base).ledger).toEqual({ enabled: true, settleMs: 3_600_000, backfillFromMs: undefined, recheckMs: 86_400_000, pollMs: 60_000 });
  });

  it('should read the switch, the durations and the backfill start (UTC unless an offset is given)', () => {
    const ledger = loadConfig({
      ...base,
      LEDGER_ENABLED: 'false',
      LEDGER_SETTLE_AFTER: '30m',
      LEDGER_RECHECK: '2d',
      LEDGER_POLL_INTERVAL: '5s',
      LEDGER_BACKFILL_FROM: '2026-01-01T06:00',
    }).ledger;
    expect(ledger).toEqual({ enabled: false, settleMs: 1_800_000, backfillFromMs: Date.UTC(2026, 0, 1, 6), recheckMs: 172_800_000, pollMs: 5000 });
    expect(loadConfig({ ...base, LEDGER_BACKFILL_FROM: '2026-01-01' }).ledger.backfillFromMs).toBe(Date.UTC(2026, 0, 1));
    expect(loadConfig({ ...base, LEDGER_BACKFILL_FROM: '2026-01-01T01:00:00+01:00' }).ledger.backfillFromMs).toBe(Date.UTC(2026, 0, 1));
  });

  it.each([
    ['LEDGER_ENABLED', 'maybe', 'LEDGER_ENABLED must be true or false'],
    ['LEDGER_SETTLE_AFTER', 'soon', 'LEDGER_SETTLE_AFTER must be a duration'],
    ['LEDGER_BACKFILL_FROM', 'last year', 'LEDGER_BACKFILL_FROM must be a date or date-time'],
    ['LEDGER_BACKFILL_FROM', '2026-13-45', 'LEDGER_BACKFILL_FROM must be a date or date-time'],
  ])('should refuse %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(message);
  });
});
