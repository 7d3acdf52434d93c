import { parse } from 'csv-parse/sync';

import { Decimal, sumOf } from '../decimal';
import { BillingPeriodDocument, UNASSIGNED_COST_CENTRE } from '../invoice';
import { checkFocusConformance, FOCUS_1_2_MANDATORY_COLUMNS } from '../testing/focus-conformance';
import { restatedSamplePeriod, samplePeriod } from '../testing/sample-period';
import { FOCUS_CSV_COLUMNS, focusCsv, FocusCsvOptions, focusDateTime, FocusExportError, invoiceId } from './focus-csv';

const OPTIONS: FocusCsvOptions = { issuerName: 'University Computing Centre', providerName: 'University Computing Centre', clusterName: 'hpc-k8s' };
// Our own date-time and number columns, held to FOCUS's formats as the spec recommends for custom columns.
const CUSTOM = { customDateTimeColumns: ['x_TariffValidFrom'], customDecimalColumns: ['x_Coverage', 'x_PeriodVersion'] };

function records(csv: string): Record<string, string>[] {
  return parse(csv, { columns: true }) as Record<string, string>[];
}

describe('focusCsv', () => {
  const doc = samplePeriod();
  const csv = focusCsv(doc, OPTIONS);
  const rows = records(csv);

  it.each<[string, BillingPeriodDocument, FocusCsvOptions]>([
    ['a closed period', doc, OPTIONS],
    ['an open period', samplePeriod('open'), OPTIONS],
    ['a restatement', restatedSamplePeriod(), OPTIONS],
    ['no cluster name, a publisher and a service name', doc, { issuerName: 'UCC', providerName: 'UCC', publisherName: 'Kubernetes community', serviceName: 'Research Kubernetes' }],
  ])('should conform to FOCUS 1.2 for %s', (_, d, options) => {
    expect(checkFocusConformance(focusCsv(d, options), CUSTOM)).toEqual([]);
  });

  it('should write every mandatory FOCUS 1.2 column, FOCUS columns before the x_ ones', () => {
    const header = csv.split('\r\n')[0]?.split(',');
    expect(header).toEqual([...FOCUS_CSV_COLUMNS]);
    for (const column of FOCUS_1_2_MANDATORY_COLUMNS) expect(header).toContain(column);
    for (const column of ['ConsumedQuantity', 'ConsumedUnit', 'SubAccountId', 'SubAccountName', 'ResourceId', 'Tags', 'ListUnitPrice', 'ContractedUnitPrice', 'ResourceType']) {
      expect(header).toContain(column);
    }
  });

  it('should write one Usage row per invoice line, the unpriced ones included', () => {
    expect(rows.length).toBe(doc.invoices.reduce((n, i) => n + i.lines.length, 0));
    expect(new Set(rows.map((r) => r['ChargeCategory']))).toEqual(new Set(['Usage']));
    expect(rows.filter((r) => r['BillingAccountId'] === UNASSIGNED_COST_CENTRE).length).toBe(2);
  });

  it('should map a priced line: exact list cost, the invoiced amount as billed cost, FOCUS units and date-times', () => {
    expect(rows[0]).toEqual({
      BilledCost: '15.43',
      BillingAccountId: 'SIFAC-1234',
      BillingAccountName: 'Vision lab',
      BillingCurrency: 'EUR',
      BillingPeriodEnd: '2026-10-31T23:00:00Z',
      BillingPeriodStart: '2026-09-30T22:00:00Z',
      ChargeCategory: 'Usage',
      ChargeClass: '',
      ChargeDescription: 'CPU core-hours of namespace lab-vision, basis usage; 0.0125 EUR per core-hour, tariff standard, cost centre SIFAC-1234',
      ChargeFrequency: 'Usage-Based',
      ChargePeriodEnd: '2026-10-15T22:00:00Z',
      ChargePeriodStart: '2026-09-30T22:00:00Z',
      ConsumedQuantity: '1234.567891',
      ConsumedUnit: 'Core-Hours',
      // 1234.567891 × 0.0125, exactly; BilledCost is it rounded by the tariff.
      ContractedCost: '15.4320986375',
      ContractedUnitPrice: '0.0125',
      EffectiveCost: '15.43',
      InvoiceId: '2026-10/SIFAC-1234/v1/EUR',
      InvoiceIssuerName: 'University Computing Centre',
      ListCost: '15.4320986375',
      ListUnitPrice: '0.0125',
      PricingQuantity: '1234.567891',
      PricingUnit: 'Core-Hours',
      ProviderName: 'University Computing Centre',
      PublisherName: 'University Computing Centre',
      ResourceId: 'hpc-k8s/lab-vision',
      ResourceType: 'Namespace',
      ServiceCategory: 'Compute',
      ServiceName: 'Kubernetes',
      ServiceSubcategory: 'Containers',
      SubAccountId: 'hpc-k8s/lab-vision',
      SubAccountName: 'lab-vision',
      Tags: '',
      x_Cluster: 'hpc-k8s',
      x_Resource: 'cpu',
      x_Basis: 'usage',
      x_Coverage: '0.9987',
      x_Tariff: 'standard',
      x_TariffValidFrom: '2026-01-01T00:00:00Z',
      x_PeriodStatus: 'closed',
      x_PeriodVersion: '1',
      x_PeriodSha256: doc.sha256,
    });
  });

  it('should name every resource in FOCUS units', () => {
    const units = Object.fromEntries(rows.map((r) => [r['x_Resource'], [r['PricingUnit'], r['ConsumedUnit']]]));
    expect(units).toEqual({
      cpu: ['Core-Hours', 'Core-Hours'],
      memory: ['GiB-Hours', 'GiB-Hours'],
      gpu: ['GPU-Hours', 'GPU-Hours'],
      gpu_memory: ['GB-Hours', 'GB-Hours'],
    });
  });

  it("should add up BilledCost per InvoiceId to the invoice's total", () => {
    for (const invoice of doc.invoices) {
      const billed = rows.filter((r) => r['InvoiceId'] === invoiceId(doc, invoice)).map((r) => Decimal.parse(r['BilledCost'] as string));
      expect(sumOf(billed).toString()).toBe(invoice.total ?? '0');
    }
  });

  it('should keep unpriced usage as zero-cost rows in the priced invoices’ currency, with its quantities', () => {
    const unpriced = rows.filter((r) => r['BillingAccountId'] === UNASSIGNED_COST_CENTRE);
    expect(unpriced.map((r) => [r['SubAccountName'], r['PricingQuantity'], r['PricingUnit'], r['ConsumedQuantity']])).toEqual([
      ['scratch', '55.500000', 'Core-Hours', '55.500000'],
      ['scratch', '111.000000', 'GiB-Hours', '111.000000'],
    ]);
    for (const r of unpriced) {
      expect([r['BilledCost'], r['EffectiveCost'], r['ListCost'], r['ContractedCost'], r['ListUnitPrice'], r['ContractedUnitPrice']]).toEqual(['0', '0', '0', '0', '0', '0']);
      expect([r['BillingCurrency'], r['x_Tariff'], r['x_TariffValidFrom'], r['InvoiceId']]).toEqual(['EUR', '', '', '2026-10/__unassigned__/v1']);
      expect(r['BillingAccountName']).toBe('Usage no assignment covers');
      expect(r['ChargeDescription']).toBe(
        `${r['x_Resource'] === 'cpu' ? 'CPU core-hours' : 'Memory GiB-hours'} of namespace scratch, basis usage; not priced: no assignment to a cost centre covers it`,
      );
    }
  });

  it('should put a label assignment in Tags as a flat JSON object, and leave Tags null otherwise', () => {
    const labelled = rows.find((r) => r['SubAccountName'] === 'shared-ml');
    expect(JSON.parse(labelled?.['Tags'] as string)).toEqual({ team: 'vision' });
    expect(labelled?.['ChargeDescription']).toContain('pods labelled team=vision in namespace shared-ml');
    expect(rows.filter((r) => r['Tags'] === '').length).toBe(rows.length - 1);
  });

  it('should write an open period without InvoiceId or hash (no invoice is issued; its figures change)', () => {
    const open = records(focusCsv(samplePeriod('open'), OPTIONS));
    for (const r of open) expect([r['InvoiceId'], r['x_PeriodSha256'], r['x_PeriodStatus'], r['x_PeriodVersion']]).toEqual(['', '', 'open', '0']);
  });

  it('should write a restatement as the whole restated version, with no correction rows', () => {
    const restated = restatedSamplePeriod();
    const out = records(focusCsv(restated, OPTIONS));
    expect(out.length).toBe(rows.length);
    expect(out.every((r) => r['ChargeClass'] === '')).toBe(true);
    expect(out[0]?.['PricingQuantity']).toBe('1200.000000');
    expect(out[0]?.['BilledCost']).toBe('15.00');
    expect(out[0]?.['InvoiceId']).toBe('2026-10/SIFAC-1234/v2/EUR');
    expect(new Set(out.map((r) => r['x_PeriodSha256']))).toEqual(new Set([restated.sha256]));
  });

  it('should write a cost-centre name that a spreadsheet would run as a formula as text, like every CSV of the API', () => {
    expect(rows.find((r) => r['BillingAccountId'] === 'SIFAC-77')?.['BillingAccountName']).toBe('\'=HYPERLINK("http://evil.example","Physics")');
  });

  it('should use the namespace alone as sub-account and resource without a cluster name', () => {
    const out = records(focusCsv(doc, { issuerName: 'UCC', providerName: 'UCC' }));
    expect([out[0]?.['SubAccountId'], out[0]?.['ResourceId'], out[0]?.['x_Cluster'], out[0]?.['PublisherName'], out[0]?.['ServiceName']]).toEqual([
      'lab-vision',
      'lab-vision',
      '',
      'UCC',
      'Kubernetes',
    ]);
  });

  describe('unpriced lines need a BillingCurrency', () => {
    const unassignedOnly: BillingPeriodDocument = { ...doc, invoices: doc.invoices.filter((i) => i.currency === null) };

    it('should refuse a period whose only invoice is unpriced, unless told the currency', () => {
      expect(() => focusCsv(unassignedOnly, OPTIONS)).toThrow(FocusExportError);
      const out = focusCsv(unassignedOnly, { ...OPTIONS, unpricedCurrency: 'CHF' });
      expect(new Set(records(out).map((r) => r['BillingCurrency']))).toEqual(new Set(['CHF']));
      expect(checkFocusConformance(out, CUSTOM)).toEqual([]);
    });

    it('should refuse to guess between several currencies', () => {
      const twoCurrencies: BillingPeriodDocument = { ...doc, invoices: doc.invoices.map((i) => (i.costCentre === 'SIFAC-77' ? { ...i, currency: 'USD' } : i)) };
      expect(() => focusCsv(twoCurrencies, OPTIONS)).toThrow(/unpricedCurrency/);
      expect(() => focusCsv(twoCurrencies, { ...OPTIONS, unpricedCurrency: 'EUR' })).not.toThrow();
    });

    it('should refuse a currency that is not an ISO 4217 code', () => {
      expect(() => focusCsv(unassignedOnly, { ...OPTIONS, unpricedCurrency: 'euro' })).toThrow(FocusExportError);
    });
  });

  it('should refuse empty issuer or provider names (FOCUS never writes empty strings)', () => {
    expect(() => focusCsv(doc, { ...OPTIONS, issuerName: ' ' })).toThrow(FocusExportError);
    expect(() => focusCsv(doc, { ...OPTIONS, providerName: '' })).toThrow(FocusExportError);
  });

  it('should refuse a line whose unit is not its resource’s (it could not name it in FOCUS units)', () => {
    const bad: BillingPeriodDocument = structuredClone(doc);
    (bad.invoices[0]?.lines[0] as { unit: string }).unit = 'core-second';
    expect(() => focusCsv(bad, OPTIONS)).toThrow(FocusExportError);
  });
});

describe('focusDateTime', () => {
  it.each([
    ['2026-09-30T22:00:00.000Z', '2026-09-30T22:00:00Z'],
    ['2026-10-01T00:00:00+02:00', '2026-09-30T22:00:00Z'],
    ['2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z'],
  ])('should write %s as %s', (input, output) => {
    expect(focusDateTime(input)).toBe(output);
  });

  it('should refuse a sub-second instant rather than move a bound', () => {
    expect(() => focusDateTime('2026-10-01T00:00:00.500Z')).toThrow(FocusExportError);
    expect(() => focusDateTime('tomorrow')).toThrow(FocusExportError);
  });
});
