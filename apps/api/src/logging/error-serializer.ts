/**
 * pino's `err` serializer. An error carries whatever its library attached to it: TypeORM's
 * `QueryFailedError` holds the SQL statement and its bound parameters (a new password's hash), the pg
 * driver's error the row's values in `detail`, an HTTP exception its options. Only what explains a
 * failure is kept — type, message, code, stack — for the error and, the same way, for each error it
 * wraps (`cause`, `driverError`, the entries of an `AggregateError`). Everything else is dropped.
 */
export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string | number;
  errno?: string | number;
  syscall?: string;
  status?: number;
  statusCode?: number;
  cause?: SerializedError;
  driverError?: SerializedError;
  errors?: SerializedError[];
}

const SCALAR_KEYS = ['code', 'errno', 'syscall', 'status', 'statusCode'] as const;
/** Deep enough for exception → QueryFailedError → driver error → its cause. */
const MAX_DEPTH = 5;

export function serializeError(value: unknown): SerializedError {
  return serialize(value, 0, new Set());
}

function serialize(value: unknown, depth: number, seen: Set<unknown>): SerializedError {
  if (!isErrorLike(value)) {
    // A thrown string says what happened; a thrown object could hold anything.
    return { type: typeof value, message: typeof value === 'string' ? value : Object.prototype.toString.call(value) };
  }
  seen.add(value);
  const e = value as Error & Record<string, unknown>;
  const out: SerializedError = { type: typeName(e), message: String(e.message) };
  if (typeof e.stack === 'string') out.stack = e.stack;
  for (const key of SCALAR_KEYS) {
    const v = e[key];
    if (typeof v === 'string' || typeof v === 'number') (out as unknown as Record<string, unknown>)[key] = v;
  }
  if (depth < MAX_DEPTH) {
    const nested = (v: unknown) => (v !== undefined && v !== null && !seen.has(v) ? serialize(v, depth + 1, seen) : undefined);
    const cause = nested(e.cause);
    if (cause) out.cause = cause;
    const driverError = nested(e['driverError']);
    if (driverError) out.driverError = driverError;
    if (Array.isArray(e['errors'])) out.errors = (e['errors'] as unknown[]).map((inner) => nested(inner)).filter((x): x is SerializedError => !!x);
  }
  return out;
}

function isErrorLike(v: unknown): v is Error {
  return v instanceof Error || (!!v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string' && typeof (v as { stack?: unknown }).stack === 'string');
}

function typeName(e: Error): string {
  const ctor = (e as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name ? ctor.name : e.name;
}
