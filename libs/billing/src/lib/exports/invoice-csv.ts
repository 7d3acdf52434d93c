import { Decimal } from '../decimal';
import { BillingPeriodDocument, Invoice, InvoiceAdjustment, InvoiceLine } from '../invoice';
import { CsvCell, spreadsheetCsv } from './spreadsheet-csv';

/**
 * The columns of the invoice CSV, in order (docs/billing-exports.md). Stable: a finance import maps
 * them by name, so a column is only ever added at the end, never renamed, dropped or moved.
 */
export const INVOICE_CSV_COLUMNS = [
  'period',
  'period_from',
  'period_to',
  'time_zone',
  'status',
  'version',
  'sha256',
  'cost_centre',
  'cost_centre_name',
  'contact',
  'currency',
  'namespace',
  'label_key',
  'label_value',
  'resource',
  'quantity',
  'unit',
  'basis',
  'unit_price',
  'amount',
  'coverage',
  'from',
  'to',
  'tariff',
  'tariff_valid_from',
] as const;

/** The columns of a restatement's adjustments CSV, in order. */
export const ADJUSTMENTS_CSV_COLUMNS = [
  'period',
  'version',
  'sha256',
  'restates_version',
  'restates_sha256',
  'reason',
  'cost_centre',
  'currency',
  'namespace',
  'resource',
  'quantity',
  'unit',
  'amount',
] as const;

/** A decimal string of the document as an exact cell; refuses anything else, so no text can pass for a number. */
function exact(text: string | null): Decimal | null {
  return text === null ? null : Decimal.parse(text);
}

function lineRow(doc: BillingPeriodDocument, invoice: Invoice, line: InvoiceLine): CsvCell[] {
  return [
    doc.period,
    doc.from,
    doc.to,
    doc.timeZone,
    doc.status,
    doc.version,
    doc.sha256,
    invoice.costCentre,
    invoice.costCentreName,
    invoice.contact,
    invoice.currency,
    line.namespace,
    line.label?.key ?? null,
    line.label?.value ?? null,
    line.resource,
    exact(line.quantity),
    line.unit,
    line.basis,
    exact(line.unitPrice),
    exact(line.amount),
    exact(line.coverage),
    line.from,
    line.to,
    line.tariff,
    line.tariffValidFrom,
  ];
}

/**
 * A billing period's invoices for the finance system: RFC 4180 (CRLF), a header row, then one row
 * per invoice line in the document's order (invoices, then their lines). Every row repeats its
 * period and invoice, so the file can be filtered or loaded row by row; there is no totals row (a
 * column sum never counts anything twice: an invoice's total is the sum of its lines' amounts).
 * Amounts, prices and quantities are the document's exact decimal strings; unpriced lines (the
 * `__unassigned__` invoice) have empty currency, unit_price, amount, tariff and tariff_valid_from.
 */
export function invoiceCsv(doc: BillingPeriodDocument): string {
  const rows = doc.invoices.flatMap((invoice) => invoice.lines.map((line) => lineRow(doc, invoice, line)));
  return spreadsheetCsv([INVOICE_CSV_COLUMNS, ...rows]);
}

function adjustmentRow(doc: BillingPeriodDocument, a: InvoiceAdjustment): CsvCell[] {
  return [
    doc.period,
    doc.version,
    doc.sha256,
    doc.restates?.version ?? null,
    doc.restates?.sha256 ?? null,
    doc.reason ?? null,
    a.costCentre,
    a.currency,
    a.namespace,
    a.resource,
    exact(a.quantity),
    a.unit,
    exact(a.amount),
  ];
}

/**
 * A restatement's adjustments (this version − the one it restates, per cost centre, namespace,
 * resource and currency) for a finance system that books the difference rather than the restated
 * invoice: a header row, then one row per adjustment; only the header for a version that restates
 * nothing. Quantities and amounts are signed exact decimals; unpriced ones have an empty amount.
 */
export function invoiceAdjustmentsCsv(doc: BillingPeriodDocument): string {
  const rows = (doc.adjustments ?? []).map((a) => adjustmentRow(doc, a));
  return spreadsheetCsv([ADJUSTMENTS_CSV_COLUMNS, ...rows]);
}
