import { LoginAttempt, LoginFailureLimiter, TooManyLoginsException } from './login-failure-limiter';
import { DEFAULT_LOGIN_LIMITS, LoginLimits } from './login-limits';

const second = 1000;
const minute = 60 * second;

const LIMITS: LoginLimits = {
  ...DEFAULT_LOGIN_LIMITS,
  perOrigin: { freeFailures: 3, baseDelayMs: second, maxDelayMs: 8 * second, forgetAfterMs: 15 * minute },
  perUsername: { freeFailures: 5, baseDelayMs: 250, maxDelayMs: 2 * second, windowMs: 15 * minute },
  global: { failures: 10, windowMs: minute },
};

const from = (address: string, username = 'admin'): LoginAttempt => ({ username, address });

function refusal(limiter: LoginFailureLimiter, attempt: LoginAttempt, now: number): TooManyLoginsException | undefined {
  try {
    limiter.admit(attempt, now);
    return undefined;
  } catch (err) {
    if (err instanceof TooManyLoginsException) return err;
    throw err;
  }
}

describe(LoginFailureLimiter.name, () => {
  it('should hold one address off a username with waits that double, up to the maximum', () => {
    const limiter = new LoginFailureLimiter(LIMITS);
    const attacker = from('203.0.113.9');
    for (let i = 0; i < 3; i++) {
      expect(limiter.admit(attacker, 0)).toBe(0);
      limiter.recordFailure(attacker, 0);
    }
    expect(refusal(limiter, attacker, 0)).toMatchObject({ retryAfterMs: second, headers: { 'retry-after': '1' } });
    expect(refusal(limiter, attacker, 0)?.getStatus()).toBe(429);
    expect(refusal(limiter, attacker, 0)?.message).toBe('Too many failed logins for this username from here: try again in 1 second');
    let now = second;
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      expect(refusal(limiter, attacker, now)).toBeUndefined();
      limiter.recordFailure(attacker, now);
      const wait = refusal(limiter, attacker, now)?.retryAfterMs ?? 0;
      waits.push(wait);
      now += wait;
    }
    expect(waits).toEqual([2, 4, 8, 8, 8, 8].map((s) => s * second));
  });

  it('should never refuse the owner, at another address, while an attacker hammers the username', () => {
    const limiter = new LoginFailureLimiter(LIMITS);
    for (let i = 0; i < 3; i++) limiter.recordFailure(from('203.0.113.1'), i);
    for (let i = 0; i < 6; i++) limiter.recordFailure(from(`203.0.113.${10 + i}`), 10 + i);
    for (let i = 0; i < 20; i++) expect(refusal(limiter, from('203.0.113.1'), 100 + i)).toBeDefined();
    const owner = from('198.51.100.7');
    expect(refusal(limiter, owner, 200)).toBeUndefined();
    // Nine failures for the username from any address: a delay, capped, never a lock.
    expect(limiter.admit(owner, 200)).toBe(2 * second);
  });

  it('should slow a username by a delay growing with its failures from all addresses, bounded', () => {
    const limiter = new LoginFailureLimiter({ ...LIMITS, global: { failures: 1000, windowMs: minute } });
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      delays.push(limiter.admit(from('198.51.100.1'), i));
      limiter.recordFailure(from(`203.0.113.${i}`), i);
    }
    expect(delays).toEqual([0, 0, 0, 0, 0, 250, 500, 1000, 2000]);
    expect(limiter.admit(from('198.51.100.1', 'someone-else'), 10)).toBe(0);
    // The window forgets them.
    expect(limiter.admit(from('198.51.100.1'), 15 * minute + 10)).toBe(0);
  });

  it('should refuse unknown browsers once failures across the API exceed the budget, and let known ones in', () => {
    const spray: number[] = [];
    const limiter = new LoginFailureLimiter(LIMITS, (n) => spray.push(n));
    for (let i = 0; i < 10; i++) limiter.recordFailure(from(`203.0.113.${i}`, `user${i}`), i * second);
    expect(spray).toEqual([10]);
    const stranger = refusal(limiter, from('198.51.100.2', 'alice'), 10 * second);
    expect(stranger?.message).toBe('Too many failed logins on this server: try again in 50 seconds (a browser that signed in to this account before may log in now)');
    expect(stranger?.retryAfterMs).toBe(50 * second);
    expect(limiter.admit({ username: 'alice', address: '198.51.100.2', knownBrowser: 'b1' }, 10 * second)).toBe(0);
    // When the oldest failure leaves the window, one more stranger may try.
    expect(refusal(limiter, from('198.51.100.2', 'alice'), minute + 1)).toBeUndefined();
    limiter.recordFailure(from('198.51.100.3', 'bob'), minute + 2);
    expect(spray).toEqual([10, 10]);
  });

  it('should judge a known browser on its own failures only', () => {
    const limiter = new LoginFailureLimiter(LIMITS);
    const nat = '192.0.2.50';
    for (let i = 0; i < 5; i++) limiter.recordFailure(from(nat), i);
    expect(refusal(limiter, from(nat), 10)).toBeDefined();
    const owner: LoginAttempt = { username: 'admin', address: nat, knownBrowser: 'owner-browser' };
    expect(limiter.admit(owner, 10)).toBe(0);
    for (let i = 0; i < 3; i++) limiter.recordFailure(owner, 20);
    expect(refusal(limiter, owner, 20)).toBeDefined();
  });

  it('should forgive an origin its failures after a success or after a quiet while', () => {
    const limiter = new LoginFailureLimiter(LIMITS);
    const user = from('198.51.100.4');
    for (let i = 0; i < 3; i++) limiter.recordFailure(user, 0);
    expect(refusal(limiter, user, 0)).toBeDefined();
    limiter.recordSuccess(user);
    expect(refusal(limiter, user, 0)).toBeUndefined();
    for (let i = 0; i < 5; i++) limiter.recordFailure(user, 0);
    expect(refusal(limiter, user, 15 * minute + 1)).toBeUndefined();
  });

  it('should count usernames case-insensitively and IPv6 clients by their /64', () => {
    const limiter = new LoginFailureLimiter(LIMITS);
    for (let i = 1; i <= 3; i++) limiter.recordFailure(from(`2001:db8:1:2::${i}`, i === 2 ? 'ADMIN' : 'admin'), 0);
    expect(refusal(limiter, from('2001:db8:1:2:ffff::1', 'Admin'), 0)).toBeDefined();
    expect(refusal(limiter, from('2001:db8:1:3::1'), 0)).toBeUndefined();
  });
});
