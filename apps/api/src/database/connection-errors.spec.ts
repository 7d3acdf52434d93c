import { QueryFailedError } from 'typeorm';

import { isConnectionError, withoutQueryDetails } from './connection-errors';
import { UserDatabaseUnavailableException } from './user-database';

function coded(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isConnectionError', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '08006', '08001', 'SQLITE_BUSY', 'SQLITE_IOERR_WRITE'])(
    'should treat code %s as the database being unreachable',
    (code) => {
      expect(isConnectionError(coded(code))).toBe(true);
    },
  );

  it('should recognise pg messages without a code', () => {
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('should look inside QueryFailedError and AggregateError', () => {
    expect(isConnectionError(new QueryFailedError('SELECT 1', [], coded('57P01')))).toBe(true);
    expect(isConnectionError(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], 'connect'))).toBe(true);
  });

  it('should not hide constraint violations or programming errors', () => {
    expect(isConnectionError(new QueryFailedError('INSERT', [], coded('23505', 'duplicate key')))).toBe(false);
    expect(isConnectionError(coded('SQLITE_CONSTRAINT_UNIQUE'))).toBe(false);
    expect(isConnectionError(new TypeError('x is undefined'))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });
});

describe('withoutQueryDetails', () => {
  const HASH = 'scrypt$32768$8$1$c2FsdA==$aGFzaA==';
  const timedOut = () => new QueryFailedError('UPDATE "users" SET "password_hash" = $1', [HASH], Object.assign(new Error('Query read timeout'), { detail: HASH }));

  it('should keep the message, code and type of a query failure and drop its SQL and parameters', () => {
    const copy = withoutQueryDetails(new QueryFailedError('INSERT', [HASH], coded('57P01', 'terminating connection')));
    expect(copy).toMatchObject({ name: 'QueryFailedError', message: 'terminating connection', code: '57P01' });
    expect(copy?.cause).toMatchObject({ message: 'terminating connection', code: '57P01' });
    expect(JSON.stringify(copy, Object.getOwnPropertyNames(copy))).not.toContain(HASH);
  });

  it('should be what the 503 of an unreachable user database carries as its cause', () => {
    const e = new UserDatabaseUnavailableException(timedOut());
    expect(isConnectionError(e.cause)).toBe(true);
    // Every property reachable from the exception, enumerable or not.
    const seen = new Set<unknown>();
    const walk = (v: unknown): string =>
      v && typeof v === 'object' && !seen.has(v)
        ? (seen.add(v),
          Object.getOwnPropertyNames(v)
            .map((k) => `${k}=${walk((v as Record<string, unknown>)[k])}`)
            .join(','))
        : String(v);
    const everything = walk(e);
    expect(everything).not.toContain(HASH);
    expect(everything).toContain('Query read timeout');
  });
});
