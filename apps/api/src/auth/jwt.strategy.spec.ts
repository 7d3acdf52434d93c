import { UnauthorizedException } from '@nestjs/common';

import type { AppConfig } from '../config/app-config';
import type { UsersService } from '../users/users.service';
import { JwtStrategy } from './jwt.strategy';
import { TOKEN_REVOKED } from './token-subject';

describe(JwtStrategy.name, () => {
  const stored = { id: 7, username: 'lab', role: 'viewer' as const, namespaces: ['lab-a'], tokenVersion: 2 };
  const findIdentity = jest.fn(async (id: number) => (id === 7 ? stored : null));
  const users = { findIdentity } as unknown as UsersService;
  const strategy = new JwtStrategy({ jwtSecret: 'unit-test-secret-0123456789abcdef0123' } as AppConfig, users);
  const now = Math.floor(Date.now() / 1000);
  const times = { iat: now, exp: now + 3600 };

  it('should trust the stored user, not the claims of the token', async () => {
    await expect(strategy.validate({ sub: '7', ver: 2, role: 'admin', ns: [], ...times })).resolves.toEqual(stored);
    expect(findIdentity).toHaveBeenCalledWith(7);
  });

  it('should refuse tokens of users that no longer exist', async () => {
    await expect(strategy.validate({ sub: '8', ver: 0, role: 'admin', ns: [], ...times })).rejects.toThrow(new UnauthorizedException('Invalid token: this user no longer exists'));
  });

  it('should refuse tokens issued with an older version of the account', async () => {
    await expect(strategy.validate({ sub: '7', ver: 1, role: 'viewer', ns: [], ...times })).rejects.toThrow(new UnauthorizedException(TOKEN_REVOKED));
  });

  it.each([
    [{ role: 'admin' as const }, 'Invalid token: no subject'],
    [{ sub: 'lab', ver: 2 }, 'Invalid token: the subject is not an account id, log in again'],
    [{ sub: '07', ver: 2 }, 'Invalid token: the subject is not an account id, log in again'],
    [{ sub: '7' }, 'Invalid token: no token version, log in again'],
    [{ sub: '7', ver: -1 }, 'Invalid token: no token version, log in again'],
    [{ sub: '7', ver: 1.5 }, 'Invalid token: no token version, log in again'],
  ])('should refuse the claims %j', async (claims, message) => {
    findIdentity.mockClear();
    await expect(strategy.validate({ ...claims, ...times })).rejects.toThrow(new UnauthorizedException(message));
    expect(findIdentity).not.toHaveBeenCalled();
  });

  it('should refuse tokens without an expiry or an issue time, however well signed', async () => {
    await expect(strategy.validate({ sub: '7', ver: 2, role: 'viewer', ns: [], iat: now })).rejects.toThrow(new UnauthorizedException('Invalid token: no expiry'));
    await expect(strategy.validate({ sub: '7', ver: 2, role: 'viewer', ns: [], exp: now + 60 })).rejects.toThrow('Invalid token: no expiry');
    await expect(strategy.validate({ sub: '7', ver: 2, role: 'viewer', ns: [], iat: now, exp: String(now + 60) })).rejects.toThrow('Invalid token: no expiry');
  });
});
