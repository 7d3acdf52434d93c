import type { ReadinessCheck } from '../health/readiness-check';
import type { UserDatabase } from './user-database';

/** `GET /api/health/ready` entry for the user store: a round trip, with the reason when it fails. */
export function userDatabaseReadiness(database: UserDatabase): ReadinessCheck {
  return {
    name: 'userdb',
    check: async () =>
      (await database.ping())
        ? { up: true }
        : { up: false, message: `User database unavailable (${database.description}${database.lastFailure ? `: ${database.lastFailure}` : ''})` },
  };
}
