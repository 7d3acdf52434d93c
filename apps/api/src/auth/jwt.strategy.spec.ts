import { UnauthorizedException } from '@nestjs/common';

import type { AppConfig } from '../config/app-config';
import type { UsersService } from '../users/users.service';
import { JwtStrategy } from './jwt.strategy';

describe(JwtStrategy.name, () => {
  const stored = { username: 'lab', role: 'viewer' as const, namespaces: ['lab-a'] };
  const users = { findIdentity: jest.fn(async (u: string) => (u === 'lab' ? stored : null)) } as unknown as UsersService;
  const strategy = new JwtStrategy({ jwtSecret: 'unit-test-secret-0123456789abcdef0123' } as AppConfig, users);
  const now = Math.floor(Date.now() / 1000);
  const times = { iat: now, exp: now + 3600 };

  it('should trust the stored user, not the claims of the token', async () => {
    await expect(strategy.validate({ sub: 'lab', role: 'admin', ns: [], ...times })).resolves.toEqual(stored);
  });

  it('should refuse tokens of users that no longer exist', async () => {
    await expect(strategy.validate({ sub: 'gone', role: 'admin', ns: [], ...times })).rejects.toThrow(
      new UnauthorizedException('Invalid token: this user no longer exists'),
    );
  });

  it('should refuse tokens without a subject', async () => {
    await expect(strategy.validate({ role: 'admin', ...times })).rejects.toThrow('Invalid token: no subject');
  });

  it('should refuse tokens without an expiry or an issue time, however well signed', async () => {
    await expect(strategy.validate({ sub: 'lab', role: 'viewer', ns: [], iat: now })).rejects.toThrow(new UnauthorizedException('Invalid token: no expiry'));
    await expect(strategy.validate({ sub: 'lab', role: 'viewer', ns: [], exp: now + 60 })).rejects.toThrow('Invalid token: no expiry');
    await expect(strategy.validate({ sub: 'lab', role: 'viewer', ns: [], iat: now, exp: String(now + 60) })).rejects.toThrow('Invalid token: no expiry');
  });
});
