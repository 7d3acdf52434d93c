/**
 * Tells "the database is unreachable" (answer 503, retry later) apart from every other database error
 * (a bug or a constraint: let it surface). Looks through TypeORM's `QueryFailedError.driverError` and
 * Node's `AggregateError` (one entry per address tried).
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  // PostgreSQL: admin/crash shutdown, cannot connect now, too many connections.
  '57P01',
  '57P02',
  '57P03',
  '53300',
  // SQLite: the file cannot be opened.
  'SQLITE_CANTOPEN',
]);

const CONNECTION_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|client has encountered a connection error|connection is closed|query read timeout|cannot use a pool after calling end/i;

export function isConnectionError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; driverError?: unknown; errors?: unknown; cause?: unknown };
  if (typeof e.code === 'string') {
    // SQLSTATE class 08: connection exception; SQLite: locked by another process past the busy timeout
    // (SQLITE_BUSY_*, SQLITE_LOCKED_*) or disk trouble (SQLITE_IOERR_*).
    if (CONNECTION_CODES.has(e.code) || /^08/.test(e.code) || /^SQLITE_(BUSY|LOCKED|IOERR)/.test(e.code)) return true;
  }
  if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isConnectionError(inner, depth + 1))) return true;
  return isConnectionError(e.driverError, depth + 1) || isConnectionError(e.cause, depth + 1);
}

/**
 * A copy of a database error that keeps what explains it (type, message, code, stack, and the same for
 * the errors it wraps) and drops what the driver attached: TypeORM's `query` and `parameters` (a new
 * password's hash), pg's `detail` (the row's values). Exceptions carry this as their cause, so nothing
 * that logs or inspects them later can reach those values.
 */
export function withoutQueryDetails(err: unknown, depth = 0): Error | undefined {
  if (err === undefined || err === null) return undefined;
  if (!(err instanceof Error)) return new Error(typeof err === 'string' ? err : 'database error');
  const e = err as Error & { code?: unknown; driverError?: unknown; errors?: unknown };
  const inner = depth < 4 ? withoutQueryDetails(e.driverError ?? e.cause, depth + 1) : undefined;
  const copy = new Error(e.message, inner ? { cause: inner } : undefined);
  copy.name = e.constructor?.name && e.constructor.name !== 'Error' ? e.constructor.name : e.name;
  if (e.stack) copy.stack = e.stack;
  if (typeof e.code === 'string' || typeof e.code === 'number') Object.assign(copy, { code: e.code });
  if (Array.isArray(e.errors) && depth < 4) {
    Object.assign(copy, { errors: e.errors.map((x) => withoutQueryDetails(x, depth + 1)).filter(Boolean) });
  }
  return copy;
}
