import { UnauthorizedException } from '@nestjs/common';

import type { JwtPayload } from './jwt-payload';

export const TOKEN_REVOKED = 'Token revoked (logout, or a password, role or namespace change): log in again';

/** Account ids are positive integers; a name (tokens issued before ids were used) is refused. */
const ACCOUNT_ID = /^[1-9]\d{0,14}$/;

/** The account and token version a verified token names; 401 when it names none. */
export function tokenSubject(payload: Partial<JwtPayload>): { id: number; version: number } {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new UnauthorizedException('Invalid token: no subject');
  if (!ACCOUNT_ID.test(payload.sub)) throw new UnauthorizedException('Invalid token: the subject is not an account id, log in again');
  const version = payload.ver;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    throw new UnauthorizedException('Invalid token: no token version, log in again');
  }
  return { id: Number(payload.sub), version };
}
