import { UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { describeTokenFailure, JwtAuthGuard } from './jwt-auth.guard';

function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

describe(JwtAuthGuard.name, () => {
  const guard = new JwtAuthGuard(new Reflector());

  it.each([
    [undefined, /^Missing credentials: send "Authorization: Bearer <token>"/],
    [new Error('No auth token'), /^Missing credentials/],
    [named('TokenExpiredError', 'jwt expired'), /^Token expired: log in again$/],
    [named('JsonWebTokenError', 'invalid signature'), /^Invalid token: invalid signature$/],
    [named('JsonWebTokenError', 'jwt signature is required'), /^Invalid token: jwt signature is required$/],
    [named('NotBeforeError', 'jwt not active'), /^Token not yet valid$/],
  ])('should explain passport failure %p', (info, message) => {
    expect(describeTokenFailure(info)).toMatch(message);
    expect(() => guard.handleRequest(null, false, info)).toThrow(UnauthorizedException);
  });

  it('should pass errors of the strategy through (e.g. 503 when the store is down)', () => {
    const err = new Error('store down');
    expect(() => guard.handleRequest(err, false, undefined)).toThrow(err);
  });

  it('should hand over the authenticated user', () => {
    const user = { username: 'lab', role: 'viewer', namespaces: [] };
    expect(guard.handleRequest(null, user, undefined)).toBe(user);
  });
});
