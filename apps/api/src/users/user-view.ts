import type { UserRole, UserView } from '@kube-monitoring/contract';

import type { UserEntity } from './user.entity';

/** Who a request runs as: what access checks need, re-read from the store (never from the token alone). */
export interface UserIdentity {
  /** The account's key: tokens name it, so a re-created account of the same name is another user. */
  id: number;
  username: string;
  role: UserRole;
  /** Namespaces the user may see: `["*"]` = all, `[]` = none. */
  namespaces: string[];
  /** Tokens carrying another version were revoked. */
  tokenVersion: number;
}

export function toUserView(user: UserEntity): UserView {
  return {
    username: user.username,
    email: user.email,
    role: user.role,
    namespaces: [...user.namespaces],
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

export function toIdentity(user: UserEntity): UserIdentity {
  return { id: user.id, username: user.username, role: user.role, namespaces: [...user.namespaces], tokenVersion: user.tokenVersion };
}
