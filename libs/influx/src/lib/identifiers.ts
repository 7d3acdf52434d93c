/**
 * Identifiers (measurement, tag and field names) cannot be bound parameters in InfluxQL,
 * so they are checked against a strict pattern and double-quoted. Values never go through here:
 * they are always bound parameters.
 */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_./-]{0,127}$/;

export function isValidIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** Quotes an identifier after validation; throws on anything outside the pattern. */
export function quoteIdentifier(name: string): string {
  if (!isValidIdentifier(name)) {
    throw new Error(`invalid InfluxDB identifier: ${JSON.stringify(name)}`);
  }
  return `"${name}"`;
}

/** Parameter names used in `$name` placeholders. */
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function assertParamName(name: string): void {
  if (!PARAM_NAME.test(name)) throw new Error(`invalid bound parameter name: ${name}`);
}
