import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

import { focusCsv } from '../exports/focus-csv';
import { checkFocusConformance, FOCUS_1_2_COLUMNS, FOCUS_1_2_MANDATORY_COLUMNS, focusDecimal, FocusViolation } from './focus-conformance';
import { samplePeriod } from './sample-period';

const VALID = focusCsv(samplePeriod(), { issuerName: 'UCC', providerName: 'UCC', clusterName: 'hpc' });

/** The valid export with its first data row edited (cells by column name), written back as CSV. */
function withFirstRow(edit: Record<string, string>): string {
  const rows = parse(VALID, { columns: true }) as Record<string, string>[];
  Object.assign(rows[0] as Record<string, string>, edit);
  return stringify(rows, { header: true });
}

function withColumns(edit: (header: string[], rows: string[][]) => void): string {
  const [header, ...rows] = parse(VALID) as string[][];
  edit(header as string[], rows);
  return stringify([header as string[], ...rows]);
}

function rulesOf(violations: FocusViolation[]): string[] {
  return violations.map((v) => `${v.row ?? '-'}:${v.column ?? '-'}:${v.rule}`);
}

describe('checkFocusConformance', () => {
  it('should know the 57 columns of FOCUS 1.2 and its 21 mandatory ones', () => {
    expect(Object.keys(FOCUS_1_2_COLUMNS).length).toBe(57);
    expect([...FOCUS_1_2_MANDATORY_COLUMNS].sort()).toEqual(
      [
        'BilledCost',
        'BillingAccountId',
        'BillingAccountName',
        'BillingCurrency',
        'BillingPeriodEnd',
        'BillingPeriodStart',
        'ChargeCategory',
        'ChargeClass',
        'ChargeDescription',
        'ChargePeriodEnd',
        'ChargePeriodStart',
        'ContractedCost',
        'EffectiveCost',
        'InvoiceIssuerName',
        'ListCost',
        'PricingQuantity',
        'PricingUnit',
        'ProviderName',
        'PublisherName',
        'ServiceCategory',
        'ServiceName',
      ].sort(),
    );
  });

  it('should pass the export it is used on (the cases below break it one rule at a time)', () => {
    expect(checkFocusConformance(VALID)).toEqual([]);
  });

  describe('header', () => {
    it('should name a missing mandatory column', () => {
      const csv = withColumns((header, rows) => {
        const i = header.indexOf('BilledCost');
        header.splice(i, 1);
        for (const r of rows) r.splice(i, 1);
      });
      expect(rulesOf(checkFocusConformance(csv))).toEqual(['-:BilledCost:mandatory-column']);
    });

    it.each([
      ['Foo', '-:Foo:column-name'],
      ['billed_cost', '-:billed_cost:column-name'],
      ['x_foo', '-:x_foo:column-name'],
      ['x_Fine', null],
    ])('should judge the extra column %s', (name, rule) => {
      const csv = withColumns((header, rows) => {
        header.push(name);
        for (const r of rows) r.push('1');
      });
      expect(rulesOf(checkFocusConformance(csv))).toEqual(rule ? [rule] : []);
    });

    it('should flag a FOCUS column after a custom one, and a column named twice', () => {
      const late = withColumns((header, rows) => {
        header.push('RegionId');
        for (const r of rows) r.push('');
      });
      expect(rulesOf(checkFocusConformance(late))).toEqual(['-:RegionId:column-order']);
      const twice = withColumns((header, rows) => {
        header.unshift('ServiceName');
        for (const r of rows) r.unshift('Kubernetes');
      });
      expect(rulesOf(checkFocusConformance(twice))).toContain('-:ServiceName:duplicate-column');
    });

    it('should refuse a file that is not CSV', () => {
      expect(rulesOf(checkFocusConformance('a,"b\r\n1,2\r\n'))).toEqual(['-:-:csv']);
      expect(rulesOf(checkFocusConformance(''))).toEqual(['-:-:csv']);
    });
  });

  describe('values', () => {
    it.each<[Record<string, string>, string[]]>([
      // Nulls: never in a non-nullable column; never a placeholder or blanks.
      [{ BilledCost: '', EffectiveCost: '' }, ['1:BilledCost:not-null', '1:EffectiveCost:not-null']],
      [{ ServiceName: 'Not Applicable' }, ['1:ServiceName:placeholder']],
      [{ BillingAccountName: 'N/A' }, ['1:BillingAccountName:placeholder']],
      [{ ChargeDescription: '   ' }, ['1:ChargeDescription:empty-string']],
      // Numbers: plain or mEn, no separators, no plus sign, no symbols.
      [{ BilledCost: '1,543' }, ['1:BilledCost:decimal']],
      [{ BilledCost: '+15.43' }, ['1:BilledCost:decimal']],
      [{ BilledCost: '€15.43' }, ['1:BilledCost:decimal']],
      [{ PricingQuantity: '1.2E+3' }, ['1:PricingQuantity:decimal']],
      // Date-times: exactly YYYY-MM-DDTHH:mm:ssZ.
      [{ BillingPeriodStart: '2026-09-30T22:00:00.000Z' }, ['1:BillingPeriodStart:date-time']],
      [{ ChargePeriodStart: '2026-09-30 22:00:00Z' }, ['1:ChargePeriodStart:date-time']],
      [{ ChargePeriodStart: '2026-02-30T00:00:00Z' }, ['1:ChargePeriodStart:date-time']],
      [{ ChargePeriodEnd: '2026-09-30T22:00:00Z' }, ['1:ChargePeriodEnd:period-order']],
      // Tags: a flat JSON object with unique keys.
      [{ Tags: '["team"]' }, ['1:Tags:key-value']],
      [{ Tags: '{"team":{"name":"vision"}}' }, ['1:Tags:key-value']],
      [{ Tags: '{"team":"vision","team":"ml"}' }, ['1:Tags:key-value']],
      [{ Tags: 'team=vision' }, ['1:Tags:key-value']],
      [{ Tags: '{"team":"vision","gpu":true,"rank":3,"note":null}' }, []],
      [{ Tags: '{}' }, []],
      // Allowed values and formats.
      [{ ChargeCategory: 'Consumption' }, ['1:ChargeCategory:allowed-value', '1:ConsumedQuantity:null-when']],
      [{ ChargeClass: 'correction' }, ['1:ChargeClass:allowed-value']],
      [{ ServiceCategory: 'Kubernetes' }, ['1:ServiceCategory:allowed-value']],
      [{ ServiceSubcategory: 'Virtual Machines' }, []],
      [{ ServiceSubcategory: 'Caching' }, ['1:ServiceSubcategory:subcategory-parent']],
      [{ ChargeFrequency: 'Hourly' }, ['1:ChargeFrequency:allowed-value']],
      [{ BillingCurrency: 'EURO' }, ['1:BillingCurrency:currency']],
      [{ BillingCurrency: 'QQQ' }, ['1:BillingCurrency:currency']],
      [{ PricingUnit: 'core-hour', ConsumedUnit: 'Core Hours' }, ['1:ConsumedUnit:unit-format', '1:PricingUnit:unit-format']],
      [{ PricingUnit: 'GB/Hour', ConsumedUnit: '1000 Tokens' }, []],
    ])('should flag %j', (edit, rules) => {
      expect(rulesOf(checkFocusConformance(withFirstRow(edit))).sort()).toEqual([...rules].sort());
    });

    it.each<[Record<string, string>, string[]]>([
      [{ PricingUnit: '' }, ['1:PricingUnit:null-iff']],
      [{ ConsumedUnit: '' }, ['1:ConsumedUnit:null-iff']],
      [{ SubAccountName: '' }, ['1:SubAccountName:null-iff']],
      [{ ResourceType: '' }, ['1:ResourceType:null-iff']],
      [{ ResourceId: '', ResourceType: '' }, []],
      [{ SubAccountId: '', SubAccountName: '' }, []],
      // Usage needs a pricing quantity, a consumed quantity and unit prices, unless it is a correction.
      [{ PricingQuantity: '', PricingUnit: '' }, ['1:PricingQuantity:not-null-when']],
      [{ ConsumedQuantity: '', ConsumedUnit: '' }, ['1:ConsumedQuantity:not-null-when']],
      [{ ListUnitPrice: '' }, ['1:ListUnitPrice:not-null-when']],
      [{ ContractedUnitPrice: '-0.0125' }, ['1:ContractedUnitPrice:non-negative', '1:ContractedCost:contracted-cost']],
      [{ ChargeClass: 'Correction', PricingQuantity: '', PricingUnit: '', ConsumedQuantity: '', ConsumedUnit: '', ListCost: '1' }, []],
      // A tax has no quantities or unit prices; only usage has a consumed quantity.
      [{ ChargeCategory: 'Tax' }, ['1:PricingQuantity:null-when', '1:ListUnitPrice:null-when', '1:ContractedUnitPrice:null-when', '1:ConsumedQuantity:null-when']],
      [{ ChargeCategory: 'Adjustment' }, ['1:ConsumedQuantity:null-when']],
      [{ ChargeCategory: 'Purchase', ConsumedQuantity: '', ConsumedUnit: '' }, ['1:ChargeFrequency:allowed-value']],
      [
        { ChargeCategory: 'Credit', ConsumedQuantity: '', ConsumedUnit: '', ListUnitPrice: '', ContractedUnitPrice: '', EffectiveCost: '1' },
        ['1:ListCost:credit-cost', '1:ContractedCost:credit-cost', '1:EffectiveCost:credit-cost'],
      ],
    ])('should apply the null rules to %j', (edit, rules) => {
      expect(rulesOf(checkFocusConformance(withFirstRow(edit))).sort()).toEqual([...rules].sort());
    });

    it('should hold ListCost and ContractedCost to unit price × PricingQuantity, exactly', () => {
      expect(rulesOf(checkFocusConformance(withFirstRow({ ListCost: '15.43' })))).toEqual(['1:ListCost:list-cost']);
      expect(rulesOf(checkFocusConformance(withFirstRow({ ContractedCost: '15.4320986376' })))).toEqual(['1:ContractedCost:contracted-cost']);
      // The same value in E notation is the same number.
      expect(checkFocusConformance(withFirstRow({ ListCost: '154320986375E-10' }))).toEqual([]);
    });

    it('should check custom date-time and number columns when told which they are', () => {
      const csv = withFirstRow({ x_TariffValidFrom: '2026-01-01', x_Coverage: '99%' });
      expect(checkFocusConformance(csv)).toEqual([]);
      expect(rulesOf(checkFocusConformance(csv, { customDateTimeColumns: ['x_TariffValidFrom'], customDecimalColumns: ['x_Coverage'] }))).toEqual([
        '1:x_Coverage:decimal',
        '1:x_TariffValidFrom:date-time',
      ]);
    });
  });
});

describe('focusDecimal', () => {
  it.each([
    ['35.2E-7', '0.00000352'],
    ['-100.2', '-100.2'],
    ['4E3', '4000'],
  ])('should read %s as %s', (text, value) => {
    expect(focusDecimal(text).compare(focusDecimal(value))).toBe(0);
  });
});
