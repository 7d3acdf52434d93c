import type { UserRole } from '@kube-monitoring/contract';

import type { UserIdentity } from '../users/user-view';

/** The user a JWT-authenticated request runs as, re-read from the user store on each request. */
export type AuthUser = UserIdentity;

/**
 * What a token carries. `sub` (the account id, as a string) and `ver` (the account's token version
 * when issued) decide whose token it is and whether it was revoked; `role` and `ns` are informative
 * only: access checks use the stored user, never these claims.
 */
export interface JwtPayload {
  sub: string;
  ver: number;
  role: UserRole;
  ns: string[];
}

/** Route metadata set by `@UserAuth({ role })`. */
export const REQUIRED_ROLE_KEY = 'kube-monitoring:required-role';

/** Passport name of the JWT strategy. */
export const JWT_STRATEGY = 'jwt';
