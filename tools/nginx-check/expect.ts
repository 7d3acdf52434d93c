/** Fails the check with `message` unless `cond` holds. */
export function expect(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}
