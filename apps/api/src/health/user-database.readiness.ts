import type { UserDatabase } from '../database/user-database';
import type { ReadinessCheck } from './readiness-check';

/** `GET /api/health/ready` entry for the user store: a round trip, with the reason (logged) when it fails. */
export function userDatabaseReadiness(database: UserDatabase): ReadinessCheck {
  return {
    name: 'userdb',
    downMessage: 'user database unreachable',
    check: async () =>
      (await database.ping())
        ? { up: true }
        : { up: false, message: `User database unavailable (${database.description}${database.lastFailure ? `: ${database.lastFailure}` : ''})` },
  };
}
