import { parse } from 'csv-parse/sync';

import { Decimal, sumOf } from '../decimal';
import { BillingPeriodDocument, UNASSIGNED_COST_CENTRE } from '../invoice';
import { restatedSamplePeriod, samplePeriod } from '../testing/sample-period';
import { ADJUSTMENTS_CSV_COLUMNS, INVOICE_CSV_COLUMNS, invoiceAdjustmentsCsv, invoiceCsv } from './invoice-csv';

function records(csv: string): Record<string, string>[] {
  return parse(csv, { columns: true }) as Record<string, string>[];
}

describe('invoiceCsv', () => {
  const doc = samplePeriod();
  const csv = invoiceCsv(doc);
  const rows = records(csv);

  it('should keep its columns, in this order (a finance import maps them by name)', () => {
    expect(INVOICE_CSV_COLUMNS).toEqual([
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
    ]);
    expect(csv.split('\r\n')[0]).toBe(INVOICE_CSV_COLUMNS.join(','));
  });

  it('should be RFC 4180: CRLF after every record, and quoted fields round-trip through a CSV parser', () => {
    expect(csv.endsWith('\r\n')).toBe(true);
    // Only the quoted line break inside a name is a bare LF; every record ends with CRLF.
    expect(csv.replace(/\r\n/g, '').includes('\r')).toBe(false);
    expect(csv).toContain('"Chemistry, ""HPC"" group\nsecond floor"');
    expect(rows.find((r) => r['cost_centre'] === 'SIFAC-88')?.['cost_centre_name']).toBe('Chemistry, "HPC" group\nsecond floor');
  });

  it('should write one row per invoice line, in the document order', () => {
    const lines = doc.invoices.flatMap((i) => i.lines.map((l) => [i.costCentre, l.namespace, l.resource, l.from]));
    expect(rows.map((r) => [r['cost_centre'], r['namespace'], r['resource'], r['from']])).toEqual(lines);
  });

  it('should repeat the period and invoice on each row, and give the line exactly as the document has it', () => {
    expect(rows[0]).toEqual({
      period: '2026-10',
      period_from: '2026-09-30T22:00:00.000Z',
      period_to: '2026-10-31T23:00:00.000Z',
      time_zone: 'Europe/Paris',
      status: 'closed',
      version: '1',
      sha256: doc.sha256,
      cost_centre: 'SIFAC-1234',
      cost_centre_name: 'Vision lab',
      contact: 'Ada Lovelace <ada@example.org>',
      currency: 'EUR',
      namespace: 'lab-vision',
      label_key: '',
      label_value: '',
      resource: 'cpu',
      quantity: '1234.567891',
      unit: 'core-hour',
      basis: 'usage',
      unit_price: '0.0125',
      amount: '15.43',
      coverage: '0.9987',
      from: '2026-09-30T22:00:00.000Z',
      to: '2026-10-15T22:00:00.000Z',
      tariff: 'standard',
      tariff_valid_from: '2026-01-01T00:00:00.000Z',
    });
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should give a label-assigned line its label', () => {
    const row = rows.find((r) => r['namespace'] === 'shared-ml');
    expect([row?.['label_key'], row?.['label_value']]).toEqual(['team', 'vision']);
  });

  it('should keep the unpriced __unassigned__ lines, with empty currency, price, amount and tariff', () => {
    const unassigned = rows.filter((r) => r['cost_centre'] === UNASSIGNED_COST_CENTRE);
    expect(unassigned.map((r) => [r['namespace'], r['resource'], r['quantity']])).toEqual([
      ['scratch', 'cpu', '55.500000'],
      ['scratch', 'memory', '111.000000'],
    ]);
    for (const r of unassigned) expect([r['currency'], r['unit_price'], r['amount'], r['tariff'], r['tariff_valid_from']]).toEqual(['', '', '', '', '']);
  });

  it("should add up, per cost centre, to each invoice's total", () => {
    for (const invoice of doc.invoices.filter((i) => i.total !== null)) {
      const amounts = rows.filter((r) => r['cost_centre'] === invoice.costCentre).map((r) => Decimal.parse(r['amount'] as string));
      expect(sumOf(amounts).toString()).toBe(invoice.total);
    }
  });

  it('should write a cost-centre name that a spreadsheet would run as a formula as text', () => {
    expect(rows.find((r) => r['cost_centre'] === 'SIFAC-77')?.['cost_centre_name']).toBe('\'=HYPERLINK("http://evil.example","Physics")');
  });

  it('should write an open period with version 0 and an empty sha256', () => {
    const open = records(invoiceCsv(samplePeriod('open')));
    expect(open.length).toBe(rows.length);
    expect(new Set(open.map((r) => [r['status'], r['version'], r['sha256']].join('|')))).toEqual(new Set(['open|0|']));
  });

  it('should write only the header for a period without lines', () => {
    expect(invoiceCsv({ ...doc, invoices: [] })).toBe(`${INVOICE_CSV_COLUMNS.join(',')}\r\n`);
  });

  it('should refuse an amount that is not a plain decimal rather than write it as text', () => {
    const bad: BillingPeriodDocument = structuredClone(doc);
    (bad.invoices[0]?.lines[0] as { amount: string }).amount = '=1+1';
    expect(() => invoiceCsv(bad)).toThrow(RangeError);
  });
});

describe('invoiceAdjustmentsCsv', () => {
  it("should write a restatement's adjustments, signed, with the version it restates and why", () => {
    const doc = restatedSamplePeriod();
    const rows = records(invoiceAdjustmentsCsv(doc));
    expect(Object.keys(rows[0] ?? {})).toEqual([...ADJUSTMENTS_CSV_COLUMNS]);
    expect(rows).toEqual([
      {
        period: '2026-10',
        version: '2',
        sha256: doc.sha256,
        restates_version: '1',
        restates_sha256: doc.restates?.sha256,
        reason: 'Backfilled samples of 2026-10-03 counted twice',
        cost_centre: 'SIFAC-1234',
        currency: 'EUR',
        namespace: 'lab-vision',
        resource: 'cpu',
        quantity: '-34.567891',
        unit: 'core-hour',
        // A negative amount is a number to a spreadsheet, not a formula: no quote in front.
        amount: '-0.43',
      },
    ]);
  });

  it('should write only the header for a version that restates nothing', () => {
    expect(invoiceAdjustmentsCsv(samplePeriod())).toBe(`${ADJUSTMENTS_CSV_COLUMNS.join(',')}\r\n`);
  });
});
