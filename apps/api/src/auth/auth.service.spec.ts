import { HttpException, Logger, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

import { recordingAudit, RecordingAudit } from '../../jest/audit-recorder';
import { AuditTrailUnavailableException } from '../audit/audit.service';
import type { AppConfig } from '../config/app-config';
import type { UserEntity } from '../database/user.entity';
import type { UsersService } from '../users/users.service';
import { AuthService, INVALID_CREDENTIALS } from './auth.service';
import type { LdapSignInService } from './ldap/ldap-sign-in.service';
import { LoginFailureLimiter } from './login-failure-limiter';
import { DEFAULT_LOGIN_LIMITS, LoginLimits } from './login-limits';

const LIMITS: LoginLimits = {
  ...DEFAULT_LOGIN_LIMITS,
  perOrigin: { freeFailures: 3, baseDelayMs: 60_000, maxDelayMs: 60_000, forgetAfterMs: 600_000 },
  perUsername: { freeFailures: 3, baseDelayMs: 20, maxDelayMs: 40, windowMs: 600_000 },
};
const at = (address: string) => ({ address });

const SECRET = 'unit-test-secret-0123456789abcdef0123';

function storedUser(): UserEntity {
  return {
    id: 1,
    username: 'lab',
    email: 'lab@example.org',
    passwordHash: 'scrypt$…',
    role: 'viewer',
    namespaces: ['lab-a'],
    source: 'local',
    tokenVersion: 3,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    updatedAt: new Date('2025-01-02T00:00:00Z'),
  };
}

describe(AuthService.name, () => {
  let verifyCredentials: jest.Mock;
  let service: AuthService;
  let jwt: JwtService;
  let warn: jest.SpyInstance;
  let audit: RecordingAudit;

  beforeEach(() => {
    audit = recordingAudit();
    verifyCredentials = jest.fn(async (_u: string, password: string) => (password === 'Right-pass-01' ? storedUser() : null));
    jwt = new JwtService({ secret: SECRET, signOptions: { algorithm: 'HS256', expiresIn: 600 } });
    const users = { verifyCredentials } as unknown as UsersService;
    service = new AuthService(users, jwt, new LoginFailureLimiter(LIMITS), { jwtExpiresInSeconds: 600 } as AppConfig, audit.audit);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('should issue an HS256 token carrying the user, and the user view', async () => {
    const res = await service.login('lab', 'Right-pass-01', at('10.0.0.1'));
    expect(res).toMatchObject({ tokenType: 'Bearer', expiresIn: 600, user: { username: 'lab', namespaces: ['lab-a'], createdAt: '2025-01-01T00:00:00.000Z' } });
    const claims = jwt.verify(res.accessToken, { algorithms: ['HS256'] });
    expect(claims).toMatchObject({ sub: '1', ver: 3, role: 'viewer', ns: ['lab-a'] });
    expect(claims.exp - claims.iat).toBe(600);
    expect(JSON.stringify(res.user)).not.toContain('scrypt');
  });

  it('should revoke the tokens of the account by id on logout', async () => {
    const revokeTokens = jest.fn(async () => true);
    const withRevoke = new AuthService({ revokeTokens } as unknown as UsersService, jwt, new LoginFailureLimiter(LIMITS), { jwtExpiresInSeconds: 600 } as AppConfig, audit.audit);
    await withRevoke.logout({ id: 1, username: 'lab', role: 'viewer', namespaces: [], tokenVersion: 3 }, '10.0.0.9');
    expect(revokeTokens).toHaveBeenCalledWith(1);
    expect(audit.entries).toEqual([{ actor: 'user:lab', client: '10.0.0.9', action: 'auth.logout', target: 'user:lab', how: 'record' }]);
  });

  it('should record a sign-in before handing out its token, and a failure in the background as anonymous', async () => {
    await service.login('lab', 'Right-pass-01', at('10.0.0.7'));
    await expect(service.login('lab', 'Wrong-pass-01', at('10.0.0.8'))).rejects.toThrow(UnauthorizedException);
    expect(audit.entries).toEqual([
      { actor: 'user:lab', client: '10.0.0.7', action: 'auth.login', target: 'user:lab', how: 'record', retry: false },
      { actor: 'anonymous', client: '10.0.0.8', action: 'auth.login.failed', target: 'user:lab', how: 'background' },
    ]);
    expect(JSON.stringify(audit.entries)).not.toContain('pass-01');
  });

  it('should hand out no token when its sign-in cannot be recorded', async () => {
    audit.failWith(new AuditTrailUnavailableException('auth.login', false, new Error('down')));
    await expect(service.login('lab', 'Right-pass-01', at('10.0.0.10'))).rejects.toMatchObject({ status: 503 });
  });

  it('should refuse a wrong password with 401 and log the username and address, not the password', async () => {
    await expect(service.login('lab', 'Wrong-pass-01', at('10.0.0.2'))).rejects.toThrow(new UnauthorizedException(INVALID_CREDENTIALS));
    expect(warn).toHaveBeenCalledWith('login failed for username "lab" from 10.0.0.2');
    expect(JSON.stringify(warn.mock.calls)).not.toContain('Wrong-pass-01');
  });

  it('should quote hostile usernames in the log', async () => {
    await expect(service.login('evil\nFAKE LOG LINE', 'x', at('10.0.0.3'))).rejects.toThrow(UnauthorizedException);
    expect(warn.mock.calls[0][0]).toBe('login failed for username "evil\\nFAKE LOG LINE" from 10.0.0.3');
  });

  it('should hold an address off after its allowed failures without checking the password, and not the owner elsewhere', async () => {
    for (let i = 0; i < 3; i++) await expect(service.login('lab', `Wrong-${i}`, at('10.0.0.4'))).rejects.toThrow(UnauthorizedException);
    verifyCredentials.mockClear();
    const held = service.login('lab', 'Right-pass-01', at('10.0.0.4'));
    await expect(held).rejects.toThrow(HttpException);
    await expect(held).rejects.toMatchObject({ status: 429, headers: { 'retry-after': '60' } });
    expect(verifyCredentials).not.toHaveBeenCalled();
    // The owner, elsewhere, waits the bounded per-username delay and gets in.
    const started = Date.now();
    await expect(service.login('lab', 'Right-pass-01', at('10.0.0.5'))).resolves.toBeDefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('should forget past failures of an address after a successful login', async () => {
    for (let i = 0; i < 2; i++) await expect(service.login('lab', `Wrong-${i}`, at('10.0.0.6'))).rejects.toThrow(UnauthorizedException);
    await service.login('lab', 'Right-pass-01', at('10.0.0.6'));
    for (let i = 0; i < 2; i++) await expect(service.login('lab', `Wrong-${i}`, at('10.0.0.6'))).rejects.toThrow(UnauthorizedException);
    await expect(service.login('lab', 'Right-pass-01', at('10.0.0.6'))).resolves.toBeDefined();
  });
});

describe(`${AuthService.name} with LDAP`, () => {
  let audit: RecordingAudit;
  let verifyCredentials: jest.Mock;
  let signIn: jest.Mock;
  let findByUsername: jest.Mock;
  let service: AuthService;

  const account = (source: UserEntity['source']): UserEntity => ({ ...storedUser(), source, username: 'ana', passwordHash: source === 'local' ? 'scrypt$…' : '!' });

  beforeEach(() => {
    audit = recordingAudit();
    verifyCredentials = jest.fn(async (_u: string, password: string) => (password === 'Right-pass-01' ? account('local') : null));
    findByUsername = jest.fn(async () => null);
    signIn = jest.fn(async () => ({ ok: true, user: account('ldap'), account: 'created', changed: ['role', 'namespaces'], groups: ['lab-a'] }));
    const users = { verifyCredentials, findByUsername } as unknown as UsersService;
    const ldap = { enabled: true, signIn } as unknown as LdapSignInService;
    const jwt = new JwtService({ secret: SECRET, signOptions: { algorithm: 'HS256', expiresIn: 600 } });
    service = new AuthService(users, jwt, new LoginFailureLimiter(LIMITS), { jwtExpiresInSeconds: 600 } as AppConfig, audit.audit, ldap);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('should check a local account locally and never ask the directory', async () => {
    findByUsername.mockResolvedValue(account('local'));
    await expect(service.login('ana', 'Right-pass-01', at('10.1.0.1'))).resolves.toMatchObject({ user: { source: 'local' } });
    await expect(service.login('ana', 'Directory-pass-1', at('10.1.0.1'))).rejects.toThrow(UnauthorizedException);
    expect(signIn).not.toHaveBeenCalled();
  });

  it('should send any other name to the directory and record the sign-in with its source and groups', async () => {
    await expect(service.login('ana', 'Directory-pass-1', at('10.1.0.2'))).resolves.toMatchObject({ user: { username: 'ana', source: 'ldap' } });
    expect(signIn).toHaveBeenCalledWith('ana', 'Directory-pass-1');
    expect(verifyCredentials).not.toHaveBeenCalled();
    expect(audit.entries[0]).toMatchObject({ action: 'auth.login', detail: { source: 'ldap', account: 'created', groups: ['lab-a'] } });
  });

  it('should refuse a directory failure with 401, audited with source ldap, and an OIDC account without asking anyone', async () => {
    signIn.mockResolvedValue({ ok: false, reason: 'wrong-password' });
    await expect(service.login('ana', 'Wrong-pass-01', at('10.1.0.3'))).rejects.toThrow(new UnauthorizedException(INVALID_CREDENTIALS));
    expect(audit.entries[0]).toMatchObject({ action: 'auth.login.failed', actor: 'anonymous', detail: { source: 'ldap' } });
    signIn.mockClear();
    findByUsername.mockResolvedValue(account('oidc'));
    await expect(service.login('ana', 'Any-pass-0001', at('10.1.0.4'))).rejects.toThrow(UnauthorizedException);
    expect(signIn).not.toHaveBeenCalled();
    expect(verifyCredentials).not.toHaveBeenCalled();
  });
});
