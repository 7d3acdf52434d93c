import { parse } from 'csv-parse/sync';

import { Decimal } from '../decimal';

/**
 * A FOCUS 1.2 conformance check of a CSV dataset, written from the specification's column and
 * attribute texts (FOCUS_Spec tag v1.2, `specification/columns/*.md`, `attributes/*.md`; the
 * summary in shared/reference/part-two-sources.md §3). Test support: it says what a file breaks,
 * so a spec can hold an export to the rules rather than to a snapshot of itself.
 *
 * An empty CSV cell is null (CSV has no other way to write one); the rules that need more than a
 * row (sums per InvoiceId, uniqueness within a provider) are left to the specs that know the source.
 */

type FocusType = 'String' | 'Decimal' | 'DateTime' | 'KeyValue';
type FeatureLevel = 'Mandatory' | 'Recommended' | 'Conditional';

interface ColumnSpec {
  level: FeatureLevel;
  nullable: boolean;
  type: FocusType;
  /** Currency codes (currency_format.md) or units (unit_format.md). */
  format?: 'currency' | 'unit';
}

const S = (level: FeatureLevel, nullable: boolean, format?: 'currency' | 'unit'): ColumnSpec => ({ level, nullable, type: 'String', ...(format ? { format } : {}) });
const D = (level: FeatureLevel, nullable: boolean): ColumnSpec => ({ level, nullable, type: 'Decimal' });
const T = (): ColumnSpec => ({ level: 'Mandatory', nullable: false, type: 'DateTime' });
const J = (): ColumnSpec => ({ level: 'Conditional', nullable: true, type: 'KeyValue' });

/** Every column of FOCUS 1.2: feature level, nullability, data type ("Content Constraints" of each column). */
export const FOCUS_1_2_COLUMNS: Readonly<Record<string, ColumnSpec>> = {
  AvailabilityZone: S('Recommended', true),
  BilledCost: D('Mandatory', false),
  BillingAccountId: S('Mandatory', false),
  BillingAccountName: S('Mandatory', true),
  BillingAccountType: S('Conditional', false),
  BillingCurrency: S('Mandatory', false, 'currency'),
  BillingPeriodEnd: T(),
  BillingPeriodStart: T(),
  CapacityReservationId: S('Conditional', true),
  CapacityReservationStatus: S('Conditional', true),
  ChargeCategory: S('Mandatory', false),
  ChargeClass: S('Mandatory', true),
  ChargeDescription: S('Mandatory', true),
  ChargeFrequency: S('Recommended', false),
  ChargePeriodEnd: T(),
  ChargePeriodStart: T(),
  CommitmentDiscountCategory: S('Conditional', true),
  CommitmentDiscountId: S('Conditional', true),
  CommitmentDiscountName: S('Conditional', true),
  CommitmentDiscountQuantity: D('Conditional', true),
  CommitmentDiscountStatus: S('Conditional', true),
  CommitmentDiscountType: S('Conditional', true),
  CommitmentDiscountUnit: S('Conditional', true, 'unit'),
  ConsumedQuantity: D('Conditional', true),
  ConsumedUnit: S('Conditional', true, 'unit'),
  ContractedCost: D('Mandatory', false),
  ContractedUnitPrice: D('Conditional', true),
  EffectiveCost: D('Mandatory', false),
  InvoiceId: S('Recommended', true),
  InvoiceIssuerName: S('Mandatory', false),
  ListCost: D('Mandatory', false),
  ListUnitPrice: D('Conditional', true),
  PricingCategory: S('Conditional', true),
  PricingCurrency: S('Conditional', true, 'currency'),
  PricingCurrencyContractedUnitPrice: D('Conditional', true),
  PricingCurrencyEffectiveCost: D('Conditional', true),
  PricingCurrencyListUnitPrice: D('Conditional', true),
  PricingQuantity: D('Mandatory', true),
  PricingUnit: S('Mandatory', true, 'unit'),
  ProviderName: S('Mandatory', false),
  PublisherName: S('Mandatory', false),
  RegionId: S('Conditional', true),
  RegionName: S('Conditional', true),
  ResourceId: S('Conditional', true),
  ResourceName: S('Conditional', true),
  ResourceType: S('Conditional', true),
  ServiceCategory: S('Mandatory', false),
  ServiceName: S('Mandatory', false),
  ServiceSubcategory: S('Recommended', false),
  SkuId: S('Conditional', true),
  SkuMeter: S('Conditional', true),
  SkuPriceDetails: J(),
  SkuPriceId: S('Conditional', true),
  SubAccountId: S('Conditional', true),
  SubAccountName: S('Conditional', true),
  SubAccountType: S('Conditional', true),
  Tags: J(),
};

export const FOCUS_1_2_MANDATORY_COLUMNS: readonly string[] = Object.entries(FOCUS_1_2_COLUMNS)
  .filter(([, spec]) => spec.level === 'Mandatory')
  .map(([name]) => name);

/** Services by category (servicesubcategory.md); the keys are ServiceCategory's allowed values. */
const SUBCATEGORIES: Readonly<Record<string, readonly string[]>> = {
  'AI and Machine Learning': ['AI Platforms', 'Bots', 'Generative AI', 'Machine Learning', 'Natural Language Processing', 'Other (AI and Machine Learning)'],
  Analytics: ['Analytics Platforms', 'Business Intelligence', 'Data Processing', 'Search', 'Streaming Analytics', 'Other (Analytics)'],
  'Business Applications': ['Productivity and Collaboration', 'Other (Business Applications)'],
  Compute: ['Containers', 'End User Computing', 'Quantum Compute', 'Serverless Compute', 'Virtual Machines', 'Other (Compute)'],
  Databases: ['Caching', 'Data Warehouses', 'Ledger Databases', 'NoSQL Databases', 'Relational Databases', 'Time Series Databases', 'Other (Databases)'],
  'Developer Tools': [
    'Developer Platforms',
    'Continuous Integration and Deployment',
    'Development Environments',
    'Source Code Management',
    'Quality Assurance',
    'Other (Developer Tools)',
  ],
  Identity: ['Identity and Access Management', 'Other (Identity)'],
  Integration: ['API Management', 'Messaging', 'Workflow Orchestration', 'Other (Integration)'],
  'Internet of Things': ['IoT Analytics', 'IoT Platforms', 'Other (Internet of Things)'],
  'Management and Governance': [
    'Architecture',
    'Compliance',
    'Cost Management',
    'Data Governance',
    'Disaster Recovery',
    'Endpoint Management',
    'Observability',
    'Support',
    'Other (Management and Governance)',
  ],
  Media: ['Content Creation', 'Gaming', 'Media Streaming', 'Mixed Reality', 'Other (Media)'],
  Migration: ['Data Migration', 'Resource Migration', 'Other (Migration)'],
  Mobile: ['Other (Mobile)'],
  Multicloud: ['Multicloud Integration', 'Other (Multicloud)'],
  Networking: ['Application Networking', 'Content Delivery', 'Network Connectivity', 'Network Infrastructure', 'Network Routing', 'Network Security', 'Other (Networking)'],
  Security: ['Secret Management', 'Security Posture Management', 'Threat Detection and Response', 'Other (Security)'],
  Storage: ['Backup Storage', 'Block Storage', 'File Storage', 'Object Storage', 'Storage Platforms', 'Other (Storage)'],
  Web: ['Application Platforms', 'Other (Web)'],
  Other: ['Other (Other)'],
};

/** Allowed values of the columns whose value format is "Allowed values". */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  ChargeCategory: ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'],
  ChargeClass: ['Correction'],
  ChargeFrequency: ['One-Time', 'Recurring', 'Usage-Based'],
  ServiceCategory: Object.keys(SUBCATEGORIES),
  ServiceSubcategory: Object.values(SUBCATEGORIES).flat(),
  CommitmentDiscountStatus: ['Used', 'Unused'],
  CommitmentDiscountCategory: ['Spend', 'Usage'],
  CapacityReservationStatus: ['Used', 'Unused'],
  PricingCategory: ['Standard', 'Dynamic', 'Committed', 'Other'],
};

/** numeric_format.md: integer, decimal or `mEn` (a sign on the exponent only when negative); no `+`, separators or units. */
const NUMERIC = /^-?\d+(?:\.\d+)?(?:E-?\d+)?$/;
/** datetime_format.md: `YYYY-MM-DDTHH:mm:ssZ`, UTC. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** column_handling.md: PascalCase, alphanumeric; custom columns `x_` and (SHOULD) the same. */
const FOCUS_NAME = /^[A-Z][A-Za-z0-9]*$/;
const CUSTOM_NAME = /^x_[A-Z][A-Za-z0-9]*$/;
/** null_handling.md: values that stand for "no value" (only empty cells may). */
const PLACEHOLDERS = new Set(['null', 'n/a', 'na', 'not applicable', 'none', 'nil', '-', 'undefined']);

/** unit_format.md's forms: `GB`, `GB-Hours`, `GB/Hour`, `1000 Tokens`, `Units/3 Months`; units capitalised as listed (bit is `b`). */
const UNIT_WORD = '(?:[A-Z][A-Za-z]*|b)';
const TIME_UNIT = '(?:Year|Month|Day|Hour|Minute|Second)';
const UNIT_FORMS = [
  new RegExp(`^(?:\\d+ )?${UNIT_WORD}$`),
  new RegExp(`^${UNIT_WORD}-${TIME_UNIT}s$`),
  new RegExp(`^${UNIT_WORD}/${TIME_UNIT}$`),
  new RegExp(`^${UNIT_WORD}/\\d+ ${TIME_UNIT}s$`),
];

export interface FocusViolation {
  /** The data row, 1 for the first after the header; null for the header or the file. */
  row: number | null;
  column: string | null;
  /** A short rule name: `mandatory-column`, `not-null`, `null-iff`, `decimal`, `date-time`, `list-cost`, … */
  rule: string;
  message: string;
}

export interface FocusConformanceOptions {
  /** Custom columns holding date-times, checked against the FOCUS format (datetime_format.md: they SHOULD follow it). */
  customDateTimeColumns?: readonly string[];
  /** Custom columns holding numbers (numeric_format.md: they SHOULD follow it). */
  customDecimalColumns?: readonly string[];
}

/** A FOCUS numeric value as an exact Decimal (E notation shifted), for the cost relations. */
export function focusDecimal(text: string): Decimal {
  const m = /^(-?\d+(?:\.\d+)?)(?:E(-?\d+))?$/.exec(text);
  if (!m) throw new RangeError(`not a FOCUS number: ${JSON.stringify(text)}`);
  const mantissa = Decimal.parse(m[1] as string);
  const exponent = Number(m[2] ?? '0');
  const power = exponent >= 0 ? Decimal.parse(`1${'0'.repeat(exponent)}`) : Decimal.parse(`0.${'0'.repeat(-exponent - 1)}1`);
  return mantissa.times(power);
}

/** The keys of a JSON object's top level in text order, duplicates kept (JSON.parse keeps only the last). */
function topLevelKeys(json: string): string[] | null {
  const keys: string[] = [];
  const member = /\s*("(?:[^"\\]|\\.)*")\s*:\s*(?:"(?:[^"\\]|\\.)*"|[^,}\s]+)\s*([,}])/y;
  const open = /^\s*\{\s*/.exec(json);
  if (!open) return null;
  member.lastIndex = open[0].length;
  if (json.slice(member.lastIndex).trim() === '}') return keys;
  for (;;) {
    const m = member.exec(json);
    if (!m) return null;
    keys.push(JSON.parse(m[1] as string) as string);
    if (m[2] === '}') return json.slice(member.lastIndex).trim() === '' ? keys : null;
  }
}

/** key_value_format.md: a JSON object, unique keys, values number, string, true, false or null. */
function keyValueProblem(text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'is not a JSON object';
  for (const [key, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object') return `has a non-scalar value at key ${JSON.stringify(key)}`;
  }
  const keys = topLevelKeys(text);
  if (keys === null) return 'could not be read key by key';
  if (new Set(keys).size !== keys.length) return 'repeats a key';
  return null;
}

function validDateTime(text: string): boolean {
  if (!DATE_TIME.test(text)) return false;
  const ms = Date.parse(text);
  return !Number.isNaN(ms) && new Date(ms).toISOString().replace('.000Z', 'Z') === text;
}

const NATIONAL_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Checks a FOCUS 1.2 CSV; an empty list means it breaks none of the rules checked. */
export function checkFocusConformance(csv: string, options: FocusConformanceOptions = {}): FocusViolation[] {
  const out: FocusViolation[] = [];
  const add = (row: number | null, column: string | null, rule: string, message: string) => out.push({ row, column, rule, message });

  let records: string[][];
  try {
    // A real RFC 4180 parser: quoted fields, doubled quotes, line breaks inside fields, equal field counts.
    records = parse(csv, { bom: true }) as string[][];
  } catch (e) {
    add(null, null, 'csv', `not a well-formed CSV: ${(e as Error).message}`);
    return out;
  }
  const header = records[0];
  if (!header) {
    add(null, null, 'csv', 'no header row');
    return out;
  }

  // Header: mandatory columns, names, duplicates, FOCUS columns before custom ones.
  for (const name of FOCUS_1_2_MANDATORY_COLUMNS) if (!header.includes(name)) add(null, name, 'mandatory-column', `mandatory column ${name} is missing`);
  const seen = new Set<string>();
  let firstCustom: string | null = null;
  for (const name of header) {
    if (seen.has(name)) add(null, name, 'duplicate-column', `column ${name} appears twice`);
    seen.add(name);
    if (name.startsWith('x_')) {
      firstCustom ??= name;
      if (!CUSTOM_NAME.test(name)) add(null, name, 'column-name', `custom column ${name} is not x_ and PascalCase`);
    } else if (!(name in FOCUS_1_2_COLUMNS)) {
      add(null, name, 'column-name', FOCUS_NAME.test(name) ? `${name} is not a FOCUS 1.2 column (custom columns start with x_)` : `${name} is neither PascalCase nor x_`);
    } else if (firstCustom !== null) {
      add(null, name, 'column-order', `FOCUS column ${name} comes after custom column ${firstCustom}`);
    }
  }

  const customDateTimes = new Set(options.customDateTimeColumns ?? []);
  const customDecimals = new Set(options.customDecimalColumns ?? []);
  records.slice(1).forEach((record, index) => {
    const row = index + 1;
    const cells = new Map<string, string | null>(header.map((name, i) => [name, record[i] === '' ? null : (record[i] as string)]));
    const has = (column: string) => cells.has(column);
    const get = (column: string) => cells.get(column) ?? null;

    // Each cell on its own: nulls, placeholders, types, formats, allowed values.
    for (const [column, value] of cells) {
      const spec = FOCUS_1_2_COLUMNS[column];
      if (value === null) {
        if (spec && !spec.nullable) add(row, column, 'not-null', `${column} must not be null`);
        continue;
      }
      if (value.trim() === '') add(row, column, 'empty-string', `${column} holds only spaces (null is an empty cell)`);
      if (PLACEHOLDERS.has(value.trim().toLowerCase())) add(row, column, 'placeholder', `${column} holds the placeholder ${JSON.stringify(value)}; null is an empty cell`);
      const type = spec?.type ?? (customDateTimes.has(column) ? 'DateTime' : customDecimals.has(column) ? 'Decimal' : 'String');
      if (type === 'Decimal' && !NUMERIC.test(value)) add(row, column, 'decimal', `${column} ${JSON.stringify(value)} is not a FOCUS number`);
      if (type === 'DateTime' && !validDateTime(value)) add(row, column, 'date-time', `${column} ${JSON.stringify(value)} is not YYYY-MM-DDTHH:mm:ssZ`);
      if (type === 'KeyValue') {
        const problem = keyValueProblem(value);
        if (problem) add(row, column, 'key-value', `${column} ${problem}`);
      }
      if (spec?.format === 'currency' && !(/^[A-Z]{3}$/.test(value) && NATIONAL_CURRENCIES.has(value))) {
        add(row, column, 'currency', `${column} ${JSON.stringify(value)} is not an ISO 4217 national currency`);
      }
      if (spec?.format === 'unit' && !UNIT_FORMS.some((form) => form.test(value)))
        add(row, column, 'unit-format', `${column} ${JSON.stringify(value)} is not in FOCUS unit format`);
      const allowed = ALLOWED[column];
      if (allowed && !allowed.includes(value)) add(row, column, 'allowed-value', `${column} ${JSON.stringify(value)} is not an allowed value`);
    }

    const category = get('ChargeCategory');
    const correction = get('ChargeClass') === 'Correction';
    const usageOrPurchase = category === 'Usage' || category === 'Purchase';

    // X null if and only if Y null.
    const iff = (x: string, y: string) => {
      if (has(x) && has(y) && (get(x) === null) !== (get(y) === null)) add(row, x, 'null-iff', `${x} must be null if and only if ${y} is null`);
    };
    iff('PricingUnit', 'PricingQuantity');
    iff('ConsumedUnit', 'ConsumedQuantity');
    iff('SubAccountName', 'SubAccountId');
    iff('ResourceType', 'ResourceId');

    // Quantities and unit prices by charge category (pricingquantity.md, listunitprice.md, contractedunitprice.md, consumedquantity.md).
    for (const column of ['PricingQuantity', 'ListUnitPrice', 'ContractedUnitPrice']) {
      if (!has(column)) continue;
      if (category === 'Tax' && get(column) !== null) add(row, column, 'null-when', `${column} must be null when ChargeCategory is Tax`);
      if (usageOrPurchase && !correction && get(column) === null) add(row, column, 'not-null-when', `${column} must not be null for ${category} that is not a correction`);
    }
    for (const column of ['ListUnitPrice', 'ContractedUnitPrice']) {
      const v = get(column);
      if (v !== null && NUMERIC.test(v) && focusDecimal(v).sign() < 0) add(row, column, 'non-negative', `${column} must not be negative`);
    }
    if (has('ConsumedQuantity')) {
      const unused = get('CommitmentDiscountStatus') === 'Unused';
      const consumed = get('ConsumedQuantity');
      if ((category !== 'Usage' || unused) && consumed !== null)
        add(row, 'ConsumedQuantity', 'null-when', 'ConsumedQuantity must be null unless ChargeCategory is Usage (and not an unused commitment)');
      if (category === 'Usage' && !unused && !correction && consumed === null)
        add(row, 'ConsumedQuantity', 'not-null-when', 'ConsumedQuantity must not be null for Usage that is not a correction');
    }
    if (category === 'Purchase' && get('ChargeFrequency') === 'Usage-Based') add(row, 'ChargeFrequency', 'allowed-value', 'ChargeFrequency must not be Usage-Based for a Purchase');

    // Service subcategory belongs to its category (servicesubcategory.md).
    const serviceCategory = get('ServiceCategory');
    const subcategory = get('ServiceSubcategory');
    if (serviceCategory !== null && subcategory !== null && SUBCATEGORIES[serviceCategory] && !SUBCATEGORIES[serviceCategory]?.includes(subcategory)) {
      add(row, 'ServiceSubcategory', 'subcategory-parent', `${subcategory} is not a subcategory of ${serviceCategory}`);
    }

    // Cost relations, exactly (listcost.md, contractedcost.md, effectivecost.md).
    const number = (column: string): Decimal | null => {
      const v = get(column);
      return v !== null && NUMERIC.test(v) ? focusDecimal(v) : null;
    };
    const quantity = number('PricingQuantity');
    for (const [cost, price] of [
      ['ListCost', 'ListUnitPrice'],
      ['ContractedCost', 'ContractedUnitPrice'],
    ] as const) {
      const c = number(cost);
      const p = number(price);
      if (!correction && c !== null && p !== null && quantity !== null && c.compare(p.times(quantity)) !== 0) {
        add(row, cost, cost === 'ListCost' ? 'list-cost' : 'contracted-cost', `${cost} ${get(cost)} must equal ${price} × PricingQuantity = ${p.times(quantity).toString()}`);
      }
      const billed = number('BilledCost');
      if (category === 'Credit' && get(price) === null && c !== null && billed !== null && c.compare(billed) !== 0)
        add(row, cost, 'credit-cost', `${cost} of a Credit without ${price} must equal BilledCost`);
    }
    const effective = number('EffectiveCost');
    const billed = number('BilledCost');
    if (category === 'Credit' && effective !== null && billed !== null && effective.compare(billed) !== 0)
      add(row, 'EffectiveCost', 'credit-cost', 'EffectiveCost of a Credit must equal BilledCost');

    // Start inclusive, end exclusive: a period ends after it starts.
    for (const p of ['BillingPeriod', 'ChargePeriod']) {
      const start = get(`${p}Start`);
      const end = get(`${p}End`);
      if (start !== null && end !== null && validDateTime(start) && validDateTime(end) && Date.parse(start) >= Date.parse(end))
        add(row, `${p}End`, 'period-order', `${p}End must be after ${p}Start`);
    }
  });
  return out;
}
