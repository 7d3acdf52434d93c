import { stringify } from 'csv-stringify/sync';

import { Decimal } from '../decimal';

/**
 * A CSV cell: text (neutralised against formulas), a measured number (written as a plain
 * decimal of at most 6 places), an exact Decimal (written as it is), or null (an empty cell).
 */
export type CsvCell = string | number | Decimal | null;

/** What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text that a spreadsheet would run as a formula (`=HYPERLINK(...)`, `@SUM(...)`) gets a leading
 * single quote, which makes it plain text there. Pod and namespace names come from InfluxDB tags,
 * which may hold anything, whatever Kubernetes allows; cost-centre names are typed by people.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A number as a plain decimal with at most 6 fraction digits (1e-7 would confuse some importers). */
export function csvNumber(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const fixed = value.toFixed(6);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

function cellText(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return csvNumber(cell);
  // A Decimal prints as digits, one point and maybe a leading minus: a number to a spreadsheet, never a formula.
  if (cell instanceof Decimal) return cell.toString();
  return neutraliseFormula(cell);
}

/**
 * Every CSV the API writes: RFC 4180 with CRLF line ends, fields quoted when they hold a comma, a
 * quote or a line break; text cells neutralised against formulas, numbers as plain decimals.
 */
export function spreadsheetCsv(rows: readonly (readonly CsvCell[])[]): string {
  return stringify(
    rows.map((row) => row.map(cellText)),
    { record_delimiter: 'windows' },
  );
}
