import { Decimal } from '../decimal';
import { BillingPeriodDocument, Invoice, InvoiceLine, InvoiceResource, RESOURCE_UNITS, UNASSIGNED_COST_CENTRE } from '../invoice';
import { CsvCell, spreadsheetCsv } from './spreadsheet-csv';

/** The FOCUS version the export follows (FinOps Foundation, ratified 2025-05-29). */
export const FOCUS_VERSION = '1.2';

/**
 * The columns of the FOCUS export, in order: FOCUS columns first, alphabetically (the spec's
 * order), then ours with the `x_` prefix (column_handling.md). docs/billing-exports.md maps each.
 */
export const FOCUS_CSV_COLUMNS = [
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargeFrequency',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ConsumedQuantity',
  'ConsumedUnit',
  'ContractedCost',
  'ContractedUnitPrice',
  'EffectiveCost',
  'InvoiceId',
  'InvoiceIssuerName',
  'ListCost',
  'ListUnitPrice',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'ResourceId',
  'ResourceType',
  'ServiceCategory',
  'ServiceName',
  'ServiceSubcategory',
  'SubAccountId',
  'SubAccountName',
  'Tags',
  'x_Cluster',
  'x_Resource',
  'x_Basis',
  'x_Coverage',
  'x_Tariff',
  'x_TariffValidFrom',
  'x_PeriodStatus',
  'x_PeriodVersion',
  'x_PeriodSha256',
] as const;
export type FocusCsvColumn = (typeof FOCUS_CSV_COLUMNS)[number];

export interface FocusCsvOptions {
  /** InvoiceIssuerName: who issues the invoices (the institution's computing centre). */
  issuerName: string;
  /** ProviderName: who makes the cluster's resources available. */
  providerName: string;
  /** PublisherName: who produces them; the provider when not given (an in-house cluster). */
  publisherName?: string;
  /** ServiceName; `Kubernetes` when not given. */
  serviceName?: string;
  /** Qualifies SubAccountId and ResourceId (`<cluster>/<namespace>`) and fills x_Cluster. */
  clusterName?: string;
  /**
   * BillingCurrency of unpriced lines (the `__unassigned__` invoice has no currency, FOCUS needs
   * one). When not given: the one currency of the document's priced invoices; an error when they
   * have none or several.
   */
  unpricedCurrency?: string;
}

/** A FOCUS export that cannot be written truthfully (a missing currency, a unit it cannot name). */
export class FocusExportError extends Error {
  override readonly name = 'FocusExportError';
}

/** Invoice units in FOCUS's unit format (unit_format.md: `<singular-unit>-<plural-time-units>`, `Core` is a count unit). */
export const FOCUS_UNITS: Readonly<Record<InvoiceResource, string>> = {
  cpu: 'Core-Hours',
  memory: 'GiB-Hours',
  gpu: 'GPU-Hours',
  gpu_memory: 'GB-Hours',
};

const RESOURCE_NAMES: Readonly<Record<InvoiceResource, string>> = {
  cpu: 'CPU',
  memory: 'Memory',
  gpu: 'GPU',
  gpu_memory: 'GPU memory',
};

const ISO_CURRENCY = /^[A-Z]{3}$/;

/** `YYYY-MM-DDTHH:mm:ssZ` (datetime_format.md). A sub-second bound would not survive it, so it is refused rather than moved. */
export function focusDateTime(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new FocusExportError(`not a date-time: ${JSON.stringify(instant)}`);
  if (ms % 1000 !== 0) throw new FocusExportError(`FOCUS date-times have whole seconds: ${instant}`);
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/** Null for text with nothing in it: FOCUS never writes empty strings (null_handling.md). */
function textOrNull(text: string | null | undefined): string | null {
  return text === null || text === undefined || text.trim() === '' ? null : text;
}

function required(text: string | undefined, what: string): string {
  const value = textOrNull(text);
  if (value === null) throw new FocusExportError(`FOCUS needs a non-empty ${what}`);
  return value;
}

function unpricedCurrencyOf(doc: BillingPeriodDocument, options: FocusCsvOptions): string | null {
  if (options.unpricedCurrency !== undefined) return options.unpricedCurrency;
  const currencies = new Set(doc.invoices.flatMap((i) => (i.currency === null ? [] : [i.currency])));
  return currencies.size === 1 ? ([...currencies][0] as string) : null;
}

function chargeDescription(invoice: Invoice, line: InvoiceLine, currency: string): string {
  const who = line.label ? `pods labelled ${line.label.key}=${line.label.value} in namespace ${line.namespace}` : `namespace ${line.namespace}`;
  const what = `${RESOURCE_NAMES[line.resource]} ${line.unit}s of ${who}, basis ${line.basis}`;
  if (line.unitPrice === null) {
    const why =
      invoice.costCentre === UNASSIGNED_COST_CENTRE
        ? 'no assignment to a cost centre covers it'
        : line.tariff === null
          ? `cost centre ${invoice.costCentre} has no tariff`
          : `tariff ${line.tariff} has no price for it`;
    return `${what}; not priced: ${why}`;
  }
  const tariff = line.tariff === null ? '' : `, tariff ${line.tariff}`;
  return `${what}; ${line.unitPrice} ${currency} per ${line.unit}${tariff}, cost centre ${invoice.costCentre}`;
}

interface Context {
  doc: BillingPeriodDocument;
  issuer: string;
  provider: string;
  publisher: string;
  service: string;
  cluster: string | null;
  unpricedCurrency: string | null;
}

function focusRow(ctx: Context, invoice: Invoice, line: InvoiceLine): Record<FocusCsvColumn, CsvCell> {
  const { doc } = ctx;
  if (line.unit !== RESOURCE_UNITS[line.resource]) {
    throw new FocusExportError(`line of ${line.namespace}: unit ${line.unit} is not the ${line.resource} unit ${RESOURCE_UNITS[line.resource]}`);
  }
  const currency = invoice.currency ?? ctx.unpricedCurrency;
  if (currency === null) {
    throw new FocusExportError(`FOCUS needs a BillingCurrency for the unpriced lines of ${invoice.costCentre}: pass unpricedCurrency`);
  }
  if (!ISO_CURRENCY.test(currency)) throw new FocusExportError(`not an ISO 4217 currency code: ${JSON.stringify(currency)}`);
  const quantity = Decimal.parse(line.quantity);
  // Unpriced usage is billed to nobody: its costs and unit prices are 0 (the true amount), never null (FOCUS costs are not nullable).
  const unitPrice = line.unitPrice === null ? Decimal.ZERO : Decimal.parse(line.unitPrice);
  const billed = line.amount === null ? Decimal.ZERO : Decimal.parse(line.amount);
  // List and contracted cost are the exact product (listcost.md); BilledCost is the invoiced amount, rounded by the tariff.
  const listCost = line.unitPrice === null ? Decimal.ZERO : unitPrice.times(quantity);
  const subAccount = ctx.cluster === null ? line.namespace : `${ctx.cluster}/${line.namespace}`;
  const unit = FOCUS_UNITS[line.resource];
  return {
    BilledCost: billed,
    BillingAccountId: required(invoice.costCentre, 'cost-centre code (BillingAccountId)'),
    BillingAccountName: textOrNull(invoice.costCentreName),
    BillingCurrency: currency,
    BillingPeriodEnd: focusDateTime(doc.to),
    BillingPeriodStart: focusDateTime(doc.from),
    ChargeCategory: 'Usage',
    // A restated version replaces the one before in full; none of its rows is a correction row (docs/billing-exports.md).
    ChargeClass: null,
    ChargeDescription: chargeDescription(invoice, line, currency),
    ChargeFrequency: 'Usage-Based',
    ChargePeriodEnd: focusDateTime(line.to),
    ChargePeriodStart: focusDateTime(line.from),
    ConsumedQuantity: quantity,
    ConsumedUnit: unit,
    ContractedCost: listCost,
    ContractedUnitPrice: unitPrice,
    EffectiveCost: billed,
    // Only a closed period has issued invoices; an open one's figures change on every read.
    InvoiceId: doc.status === 'closed' ? invoiceId(doc, invoice) : null,
    InvoiceIssuerName: ctx.issuer,
    ListCost: listCost,
    ListUnitPrice: unitPrice,
    PricingQuantity: quantity,
    PricingUnit: unit,
    ProviderName: ctx.provider,
    PublisherName: ctx.publisher,
    ResourceId: subAccount,
    ResourceType: 'Namespace',
    ServiceCategory: 'Compute',
    ServiceName: ctx.service,
    ServiceSubcategory: 'Containers',
    SubAccountId: subAccount,
    SubAccountName: line.namespace,
    Tags: line.label ? JSON.stringify({ [line.label.key]: line.label.value }) : null,
    x_Cluster: ctx.cluster,
    x_Resource: line.resource,
    x_Basis: line.basis,
    x_Coverage: Decimal.parse(line.coverage),
    x_Tariff: line.tariff,
    x_TariffValidFrom: line.tariffValidFrom === null ? null : focusDateTime(line.tariffValidFrom),
    x_PeriodStatus: doc.status,
    x_PeriodVersion: doc.version,
    x_PeriodSha256: doc.sha256,
  };
}

/** `2026-10/SIFAC-1234/v2/EUR`: period, cost centre and version, and the currency (a cost centre may have one invoice per currency). */
export function invoiceId(doc: Pick<BillingPeriodDocument, 'period' | 'version'>, invoice: Pick<Invoice, 'costCentre' | 'currency'>): string {
  return `${doc.period}/${invoice.costCentre}/v${doc.version}${invoice.currency === null ? '' : `/${invoice.currency}`}`;
}

/**
 * A billing period as a FOCUS 1.2 dataset (CSV, RFC 4180): one Usage row per invoice line, in the
 * document's order. Nulls are empty cells, never placeholders; amounts and quantities exact
 * decimals; date-times `YYYY-MM-DDTHH:mm:ssZ`, `*End` exclusive. Unpriced lines (`__unassigned__`)
 * are kept, with zero costs and prices. A restatement's export is the whole restated version (its
 * adjustments are not rows: they would count the difference twice). Text cells are neutralised
 * against spreadsheet formulas like every CSV the API writes. docs/billing-exports.md.
 */
export function focusCsv(doc: BillingPeriodDocument, options: FocusCsvOptions): string {
  const provider = required(options.providerName, 'providerName');
  const ctx: Context = {
    doc,
    issuer: required(options.issuerName, 'issuerName'),
    provider,
    publisher: options.publisherName === undefined ? provider : required(options.publisherName, 'publisherName'),
    service: options.serviceName === undefined ? 'Kubernetes' : required(options.serviceName, 'serviceName'),
    cluster: options.clusterName === undefined ? null : required(options.clusterName, 'clusterName'),
    unpricedCurrency: unpricedCurrencyOf(doc, options),
  };
  const rows = doc.invoices.flatMap((invoice) =>
    invoice.lines.map((line) => {
      const row = focusRow(ctx, invoice, line);
      return FOCUS_CSV_COLUMNS.map((column) => row[column]);
    }),
  );
  return spreadsheetCsv([FOCUS_CSV_COLUMNS, ...rows]);
}
