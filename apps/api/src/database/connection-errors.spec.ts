import { QueryFailedError } from 'typeorm';

import { isConnectionError } from './connection-errors';

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
