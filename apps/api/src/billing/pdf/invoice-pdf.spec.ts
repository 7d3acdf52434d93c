import { BillingPeriodDocument, UNASSIGNED_COST_CENTRE } from '@kube-monitoring/billing';
import { pdfText, restatedSamplePeriod, samplePeriod } from '@kube-monitoring/billing/testing';

import { invoicePdf, NoSuchInvoiceError, printable } from './invoice-pdf';

describe('invoicePdf', () => {
  const doc = samplePeriod();
  let text: string;
  let pdf: Buffer;

  beforeAll(async () => {
    pdf = await invoicePdf(doc, 'SIFAC-1234', { issuerName: 'University Computing Centre' });
    text = await pdfText(pdf);
  }, 30_000);

  it('should be a PDF', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
  });

  it('should head the invoice with issuer, cost centre, contact, period, status and version', () => {
    expect(text).toContain('University Computing Centre');
    expect(text).toContain('Invoice 2026-10');
    expect(text).toContain('Cost centre: SIFAC-1234 – Vision lab');
    expect(text).toContain('Contact: Ada Lovelace <ada@example.org>');
    // October in Paris: the UTC bounds 2026-09-30T22:00Z and 2026-10-31T23:00Z, shown in local time.
    expect(text).toContain('Period: 2026-10-01 00:00 to 2026-11-01 00:00 (Europe/Paris; the end is excluded)');
    expect(text).toContain('Status: closed, version 1, closed by admin');
    expect(text).toContain('Basis: usage');
    expect(text).toContain('Currency: EUR');
  });

  it('should list every line of the cost centre with quantity, unit, unit price, amount and dates', () => {
    for (const line of doc.invoices[0]?.lines ?? []) {
      expect(text).toContain(line.quantity);
      expect(text).toContain(line.unitPrice as string);
      expect(text).toContain(line.amount as string);
    }
    expect(text).toContain('lab-vision CPU 1234.567891 core-hour 0.0125 15.43 2026-10-01 00:00 – 2026-10-16 00:00');
    expect(text).toContain('shared-ml (team=vision)');
    // Another cost centre's lines are not on this invoice.
    expect(text).not.toContain('physics');
    expect(text).not.toContain('scratch');
  });

  it('should give the total, the quantities per unit and the SHA-256 of the period', () => {
    expect(text).toContain(`Total EUR: ${doc.invoices[0]?.total}`);
    expect(text).toContain('Quantities: 2234.222213 core-hours · 8192.000000 GiB-hours · 310.250000 GPU-hours');
    expect(text).toContain(doc.sha256 as string);
    expect(text).not.toContain('Open period');
  });

  it('should be the same bytes for the same document (a closed period downloads identically)', async () => {
    expect((await invoicePdf(doc, 'SIFAC-1234', { issuerName: 'University Computing Centre' })).equals(pdf)).toBe(true);
  });

  it('should warn on an open period that its figures may change, and say it has no hash yet', async () => {
    const open = await pdfText(await invoicePdf(samplePeriod('open'), 'SIFAC-1234'));
    expect(open).toContain('Open period: these figures are recomputed on every read and may change until the period is closed.');
    expect(open).toContain('Draft invoice 2026-10');
    expect(open).toContain('Status: open, version 0');
    expect(open).toContain('SHA-256: none yet');
    expect(open).toContain('kube-monitoring');
  }, 30_000);

  it('should file the unpriced __unassigned__ usage too, without prices', async () => {
    const unassigned = await pdfText(await invoicePdf(doc, UNASSIGNED_COST_CENTRE));
    expect(unassigned).toContain('Unpriced usage 2026-10');
    expect(unassigned).toContain('scratch CPU 55.500000 core-hour – –');
    expect(unassigned).toContain('Total: not priced');
    expect(unassigned).toContain('Quantities: 55.500000 core-hours · 111.000000 GiB-hours');
  }, 30_000);

  it("should show a restatement's reason, the version it restates and its adjustments", async () => {
    const restated = restatedSamplePeriod();
    const out = await pdfText(await invoicePdf(restated, 'SIFAC-1234'));
    expect(out).toContain('Status: closed, version 2, restated by admin');
    expect(out).toContain(`Restates: version 1 (SHA-256 ${restated.restates?.sha256})`);
    expect(out).toContain('Reason: Backfilled samples of 2026-10-03 counted twice');
    expect(out).toContain('Adjustments against version 1');
    expect(out).toContain('lab-vision · CPU: -34.567891 core-hours, -0.43 EUR');
    expect(out).toContain(restated.sha256 as string);
  }, 30_000);

  it('should run onto more pages with the table header repeated, and number them', async () => {
    const line = doc.invoices[0]?.lines[0];
    const many: BillingPeriodDocument = {
      ...doc,
      invoices: [
        {
          ...(doc.invoices[0] as BillingPeriodDocument['invoices'][number]),
          lines: Array.from({ length: 120 }, (_, i) => ({ ...line, namespace: `team-${i}` }) as NonNullable<typeof line>),
        },
      ],
    };
    const out = await pdfText(await invoicePdf(many, 'SIFAC-1234'));
    const pages = /page 1 of (\d+)/.exec(out);
    expect(Number(pages?.[1])).toBeGreaterThan(2);
    expect(out.split('Namespace Resource Quantity Unit Unit price Amount From – to').length - 1).toBe(Number(pages?.[1]));
    expect(out).toContain('team-0 ');
    expect(out).toContain('team-119 ');
  }, 30_000);

  it('should give a cost centre billed in two currencies one section and total per invoice', async () => {
    const first = doc.invoices[0] as BillingPeriodDocument['invoices'][number];
    const chf = { ...first, currency: 'CHF', lines: first.lines.slice(0, 1), total: first.lines[0]?.amount ?? null };
    const out = await pdfText(await invoicePdf({ ...doc, invoices: [first, chf] }, 'SIFAC-1234'));
    expect(out).toContain('Invoice in EUR');
    expect(out).toContain('Invoice in CHF');
    expect(out).toContain(`Total EUR: ${first.total}`);
    expect(out).toContain(`Total CHF: ${chf.total}`);
  }, 30_000);

  it('should say so when the document is limited to the namespaces its reader may see', async () => {
    const out = await pdfText(await invoicePdf({ ...doc, partial: true }, 'SIFAC-1234'));
    expect(out).toContain('Partial: only the namespaces the requester may see');
  }, 30_000);

  it('should refuse a cost centre without an invoice in the period', async () => {
    await expect(invoicePdf(doc, 'NOPE')).rejects.toBeInstanceOf(NoSuchInvoiceError);
  });
});

describe('printable', () => {
  it('should keep Windows-1252 text and show anything else as ?', () => {
    expect(printable('Café – 12,30 € “ok”')).toBe('Café – 12,30 € “ok”');
    expect(printable('Łódź 東京\nline')).toBe('?ód? ?? line');
  });
});
