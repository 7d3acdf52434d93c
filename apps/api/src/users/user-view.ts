import type { UserView } from '@kube-monitoring/contract';

import type { UserEntity } from '../database/user.entity';
import type { AuthUser } from '../guards/auth-user';

export function toUserView(user: UserEntity): UserView {
  return {
    username: user.username,
    email: user.email,
    role: user.role,
    namespaces: [...user.namespaces],
    source: user.source ?? 'local',
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** The identity a request of this user runs as. */
export function toIdentity(user: UserEntity): AuthUser {
  return { id: user.id, username: user.username, role: user.role, namespaces: [...user.namespaces], tokenVersion: user.tokenVersion };
}
