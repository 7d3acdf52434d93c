import type { UserRole } from '@kube-monitoring/contract';

/**
 * The user a JWT-authenticated request runs as: what access checks need, re-read from the user
 * store on each request (never from the token alone).
 */
export interface AuthUser {
  /** The account's key: tokens name it, so a re-created account of the same name is another user. */
  id: number;
  username: string;
  role: UserRole;
  /** Namespaces the user may see: `["*"]` = all, `[]` = none. */
  namespaces: string[];
  /** Tokens carrying another version were revoked. */
  tokenVersion: number;
}

/** Route metadata set by `@UserAuth({ role })`. */
export const REQUIRED_ROLE_KEY = 'kube-monitoring:required-role';

/** Passport name of the JWT strategy. */
export const JWT_STRATEGY = 'jwt';
