import { hourCeil, hourFloor } from '@kube-monitoring/accounting';

import { UserDatabaseUnavailableException } from '../database/user-database';

/**
 * The whole hours of [fromMs, toMs) the ledger answers for (`read` says which were rolled with what
 * the caller needs); none while the ledger is off, or while the users' database is unreachable
 * (`onUnreachable` says so): the caller then reads every hour from the samples.
 */
export async function rolledHoursOrNone(
  ledgerEnabled: boolean,
  fromMs: number,
  toMs: number,
  read: (fromHour: number, toHour: number) => Promise<number[]>,
  onUnreachable: () => void,
): Promise<number[]> {
  if (!ledgerEnabled) return [];
  try {
    return await read(hourCeil(fromMs), hourFloor(toMs));
  } catch (e) {
    if (!(e instanceof UserDatabaseUnavailableException)) throw e;
    onUnreachable();
    return [];
  }
}
