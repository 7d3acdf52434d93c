import { canonicalJson, sha256Hex } from '../canonical-json';
import { Decimal, sumOf } from '../decimal';
import { BillingPeriodDocument, Invoice, InvoiceLine, InvoiceResource, RESOURCE_UNITS, UNASSIGNED_COST_CENTRE } from '../invoice';

type LineInput = Pick<InvoiceLine, 'namespace' | 'resource' | 'quantity' | 'coverage' | 'from' | 'to'> & Partial<Pick<InvoiceLine, 'basis' | 'label'>>;

/** A priced line: amount = quantity × price rounded half-up to cents, as a tariff with 2 decimals does. */
function priced(input: LineInput, price: string, tariff: string, tariffValidFrom: string): InvoiceLine {
  const amount = Decimal.parse(input.quantity).times(Decimal.parse(price)).round(2, 'half-up');
  return {
    namespace: input.namespace,
    resource: input.resource,
    quantity: input.quantity,
    unit: RESOURCE_UNITS[input.resource as InvoiceResource],
    basis: input.basis ?? 'usage',
    unitPrice: price,
    amount: amount.toString(),
    coverage: input.coverage,
    from: input.from,
    to: input.to,
    tariff,
    tariffValidFrom,
    ...(input.label ? { label: input.label } : {}),
  };
}

function unpriced(input: LineInput): InvoiceLine {
  return {
    namespace: input.namespace,
    resource: input.resource,
    quantity: input.quantity,
    unit: RESOURCE_UNITS[input.resource],
    basis: input.basis ?? 'usage',
    unitPrice: null,
    amount: null,
    coverage: input.coverage,
    from: input.from,
    to: input.to,
    tariff: null,
    tariffValidFrom: null,
  };
}

function invoice(fields: Omit<Invoice, 'total'>): Invoice {
  const amounts = fields.lines.flatMap((l) => (l.amount === null ? [] : [Decimal.parse(l.amount)]));
  return { ...fields, total: amounts.length > 0 ? sumOf(amounts).toString() : null };
}

/** October 2026 in Europe/Paris: 2026-09-30T22:00Z to 2026-10-31T23:00Z (summer time ends on the 25th). */
const FROM = '2026-09-30T22:00:00.000Z';
const TO = '2026-10-31T23:00:00.000Z';
/** The standard tariff's new version, in force from the middle of the month. */
const CHANGE = '2026-10-15T22:00:00.000Z';

/**
 * A billing period for export specs: a cost centre whose tariff changed mid-month (two CPU lines),
 * a line assigned by pod label, a cost-centre name a spreadsheet would run as a formula, one with
 * a comma, quotes and a line break, and the unpriced `__unassigned__` invoice. Closed (version 1,
 * with its real SHA-256) unless `status: 'open'` is asked.
 */
export function samplePeriod(status: 'open' | 'closed' = 'closed'): BillingPeriodDocument {
  const invoices: Invoice[] = [
    invoice({
      costCentre: 'SIFAC-1234',
      costCentreName: 'Vision lab',
      contact: 'Ada Lovelace <ada@example.org>',
      currency: 'EUR',
      basis: 'usage',
      lines: [
        priced({ namespace: 'lab-vision', resource: 'cpu', quantity: '1234.567891', coverage: '0.9987', from: FROM, to: CHANGE }, '0.0125', 'standard', '2026-01-01T00:00:00.000Z'),
        priced(
          { namespace: 'lab-vision', resource: 'memory', quantity: '8192.000000', coverage: '0.9987', from: FROM, to: CHANGE },
          '0.0021',
          'standard',
          '2026-01-01T00:00:00.000Z',
        ),
        priced({ namespace: 'lab-vision', resource: 'cpu', quantity: '987.654321', coverage: '1.0000', from: CHANGE, to: TO }, '0.0150', 'standard', CHANGE),
        priced({ namespace: 'lab-vision', resource: 'gpu', quantity: '310.250000', coverage: '1.0000', from: CHANGE, to: TO }, '0.9000', 'standard', CHANGE),
        priced(
          { namespace: 'shared-ml', resource: 'cpu', quantity: '12.000001', coverage: '0.5000', from: FROM, to: TO, label: { key: 'team', value: 'vision' } },
          '0.0125',
          'standard',
          '2026-01-01T00:00:00.000Z',
        ),
      ],
    }),
    invoice({
      costCentre: 'SIFAC-77',
      costCentreName: '=HYPERLINK("http://evil.example","Physics")',
      contact: null,
      currency: 'EUR',
      basis: 'request',
      lines: [
        priced(
          { namespace: 'physics', resource: 'gpu_memory', quantity: '40.000000', coverage: '1.0000', from: FROM, to: TO, basis: 'request' },
          '0.0100',
          'gpu-site',
          '2026-01-01T00:00:00.000Z',
        ),
      ],
    }),
    invoice({
      costCentre: 'SIFAC-88',
      costCentreName: 'Chemistry, "HPC" group\nsecond floor',
      contact: 'chem@example.org',
      currency: 'EUR',
      basis: 'max',
      lines: [
        priced(
          { namespace: 'chem', resource: 'memory', quantity: '0.000001', coverage: '0.0001', from: FROM, to: TO, basis: 'max' },
          '0.0021',
          'standard',
          '2026-01-01T00:00:00.000Z',
        ),
      ],
    }),
    invoice({
      costCentre: UNASSIGNED_COST_CENTRE,
      costCentreName: 'Usage no assignment covers',
      contact: null,
      currency: null,
      basis: 'usage',
      lines: [
        unpriced({ namespace: 'scratch', resource: 'cpu', quantity: '55.500000', coverage: '0.2500', from: FROM, to: TO }),
        unpriced({ namespace: 'scratch', resource: 'memory', quantity: '111.000000', coverage: '0.2500', from: FROM, to: TO }),
      ],
    }),
  ];
  const doc: BillingPeriodDocument = {
    period: '2026-10',
    from: FROM,
    to: TO,
    timeZone: 'Europe/Paris',
    status,
    version: status === 'closed' ? 1 : 0,
    sha256: null,
    invoices,
    generatedAt: '2026-11-02T09:15:00.000Z',
    ...(status === 'closed' ? { closedBy: 'admin' } : {}),
  };
  return status === 'closed' ? sealed(doc) : doc;
}

/** The document with its SHA-256: of its canonical JSON without `sha256`, as closing computes it. */
function sealed(doc: BillingPeriodDocument): BillingPeriodDocument {
  const rest: Partial<BillingPeriodDocument> = { ...doc };
  delete rest.sha256;
  return { ...doc, sha256: sha256Hex(canonicalJson(rest)) };
}

/** Version 2 of the sample: lab-vision's first CPU line corrected down by 34.567891 core-hours, and its adjustment. */
export function restatedSamplePeriod(): BillingPeriodDocument {
  const before = samplePeriod('closed');
  const invoices = before.invoices.map((inv) => {
    if (inv.costCentre !== 'SIFAC-1234') return inv;
    const lines = inv.lines.map((l, i) => (i === 0 ? priced({ ...l, quantity: '1200.000000' }, l.unitPrice as string, l.tariff as string, l.tariffValidFrom as string) : l));
    return invoice({ ...inv, lines });
  });
  const oldAmount = Decimal.parse(before.invoices[0]?.lines[0]?.amount as string);
  const newAmount = Decimal.parse(invoices[0]?.lines[0]?.amount as string);
  return sealed({
    ...before,
    version: 2,
    sha256: null,
    invoices,
    generatedAt: '2026-11-20T10:00:00.000Z',
    reason: 'Backfilled samples of 2026-10-03 counted twice',
    restates: { version: 1, sha256: before.sha256 as string },
    adjustments: [
      {
        costCentre: 'SIFAC-1234',
        namespace: 'lab-vision',
        resource: 'cpu',
        unit: 'core-hour',
        currency: 'EUR',
        quantity: '-34.567891',
        amount: newAmount.minus(oldAmount).toString(),
      },
    ],
  });
}
