/** Times at the library boundary: a Date or an ISO-8601 string; inside, whole epoch seconds. */
export type TimeInput = Date | string;

export function toEpochSeconds(value: TimeInput, name = 'time'): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`${name} is not a valid date: ${String(value)}`);
  return Math.floor(ms / 1000);
}
