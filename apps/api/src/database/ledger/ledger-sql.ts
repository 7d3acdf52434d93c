/**
 * What differs between the two user stores when the ledger writes raw SQL: placeholders, parameter
 * limits, and how values come back (`pg` returns bigint and the sums of integers as text, SQLite
 * has no boolean or instant type).
 */
export type Dialect = 'postgres' | 'sqlite';

/** Bound parameters one statement may carry (SQLite's SQLITE_MAX_VARIABLE_NUMBER, PostgreSQL's protocol). */
export const MAX_BOUND_PARAMETERS: Record<Dialect, number> = { sqlite: 32_766, postgres: 65_535 };

export { BoundParameters } from '../bound-parameters';

export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** An integer column or sum; `pg` gives bigint as text, exact when converted below 2^53. */
export function intFrom(value: unknown, what: string): number {
  const n = typeof value === 'string' || typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new Error(`ledger: ${what} is not a safe integer (${String(value)})`);
  return n;
}

/** A double precision column or sum. */
export function floatFrom(value: unknown, what: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`ledger: ${what} is not a finite number (${String(value)})`);
  return n;
}

/** A peak: NULL stands for -Infinity (no sample), which neither store keeps as a number. */
export function maxFrom(value: unknown, what: string): number {
  return value === null || value === undefined ? -Infinity : floatFrom(value, what);
}

export function maxToSql(max: number): number | null {
  return max === -Infinity ? null : max;
}

/** SQLite keeps booleans as 0/1. */
export function flagFrom(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

/** An instant as the store takes it: a Date for `pg` (timestamptz), UTC text for SQLite's datetime (as TypeORM writes it). */
export function instantToSql(dialect: Dialect, ms: number): Date | string {
  const date = new Date(ms);
  return dialect === 'postgres' ? date : date.toISOString().replace('T', ' ').replace('Z', '');
}

export function instantFrom(value: unknown, what: string): Date {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(`${value.replace(' ', 'T')}Z`) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new Error(`ledger: ${what} is not an instant (${String(value)})`);
  return date;
}

/** A blob to bind: both drivers take a Buffer (better-sqlite3 also a Uint8Array, older `pg` not). */
export function blobToSql(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function blobFrom(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new Error(`ledger: ${what} is not a blob`);
  return value;
}
