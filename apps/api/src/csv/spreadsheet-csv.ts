import { stringify } from 'csv-stringify/sync';

/** A CSV cell: text, or a number (written as a plain decimal). */
export type CsvCell = string | number;

/** What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text that a spreadsheet would run as a formula (`=HYPERLINK(...)`, `@SUM(...)`) gets a leading
 * single quote, which makes it plain text there. Pod and namespace names come from InfluxDB tags,
 * which may hold anything, whatever Kubernetes allows.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A number as a plain decimal with at most 6 fraction digits (1e-7 would confuse some importers). */
export function decimal(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const fixed = value.toFixed(6);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/**
 * Every CSV the API writes: RFC 4180 with CRLF line ends, fields quoted when they hold a comma, a
 * quote or a line break; text cells neutralised against formulas, numbers as plain decimals.
 */
export function spreadsheetCsv(rows: readonly (readonly CsvCell[])[]): string {
  return stringify(
    rows.map((row) => row.map((cell) => (typeof cell === 'number' ? decimal(cell) : neutraliseFormula(cell)))),
    { record_delimiter: 'windows' },
  );
}
