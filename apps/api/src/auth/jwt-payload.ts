import type { UserRole } from '@kube-monitoring/contract';

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
