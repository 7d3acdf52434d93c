import type { BillingBasis } from '@kube-monitoring/contract';

import { attribute, BillingTerms, Interval, termsOf } from './billing-plan';
import { Decimal, sumOf } from './decimal';
import { Invoice, INVOICE_RESOURCES, InvoiceLine, InvoiceResource, QUANTITY_DECIMALS, RESOURCE_UNITS, UNASSIGNED_COST_CENTRE } from './invoice';
import { priceOf, TariffVersion } from './tariffs';

/** What a namespace or a pod held and used of each resource over an interval, in billing units (floats: measurements). */
export interface ResourceFigures {
  cpu: { usage: number; request: number; max: number };
  memory: { usage: number; request: number; max: number };
  gpu: number;
  gpu_memory: number;
}

/** One interval's measurements: every namespace (with its coverage), and its pods one by one where labels decide. */
export interface IntervalUsage extends Interval {
  namespaces: ReadonlyMap<string, { coverage: number; figures: ResourceFigures }>;
  /** Present when a label assignment is in force: the pods, each with its labels (their sum is the namespaces'). */
  pods?: readonly { namespace: string; labels: Readonly<Record<string, string>>; figures: ResourceFigures }[];
}

/** The quantity a basis bills of a resource. GPUs are billed by the devices held under every basis. */
export function quantityOf(f: ResourceFigures, resource: InvoiceResource, basis: BillingBasis): number {
  if (resource === 'gpu') return f.gpu;
  if (resource === 'gpu_memory') return f.gpu_memory;
  return f[resource][basis];
}

export function addFigures(a: ResourceFigures, b: ResourceFigures): ResourceFigures {
  return {
    cpu: { usage: a.cpu.usage + b.cpu.usage, request: a.cpu.request + b.cpu.request, max: a.cpu.max + b.cpu.max },
    memory: { usage: a.memory.usage + b.memory.usage, request: a.memory.request + b.memory.request, max: a.memory.max + b.memory.max },
    gpu: a.gpu + b.gpu,
    gpu_memory: a.gpu_memory + b.gpu_memory,
  };
}

export const NO_FIGURES: ResourceFigures = { cpu: { usage: 0, request: 0, max: 0 }, memory: { usage: 0, request: 0, max: 0 }, gpu: 0, gpu_memory: 0 };

interface OpenLine {
  costCentre: string;
  namespace: string;
  resource: InvoiceResource;
  basis: BillingBasis;
  tariff?: TariffVersion;
  label?: { key: string; value: string };
  quantity: number;
  coveredMs: number;
  fromMs: number;
  toMs: number;
  lastInterval: number;
}

/**
 * A period's invoices: each interval's use attributed to cost centres (label, then namespace
 * assignments) and priced by the tariff version then in force. A line is one namespace's use of
 * one resource under one cost centre, tariff version and label over consecutive intervals;
 * quantities are kept to QUANTITY_DECIMALS, each line's amount is quantity × price rounded by the
 * tariff's rule, and a total is the sum of its lines' amounts (rounding per line, stated).
 */
export function rateInvoices(terms: BillingTerms, intervals: readonly IntervalUsage[]): Invoice[] {
  const lines: OpenLine[] = [];
  const open = new Map<string, OpenLine>();
  intervals.forEach((interval, index) => {
    const durationMs = interval.toMs - interval.fromMs;
    // Who pays for what in this interval: per (cost centre, namespace, label).
    const parts = new Map<string, { costCentre: string; namespace: string; label?: { key: string; value: string }; figures: ResourceFigures }>();
    const add = (namespace: string, figures: ResourceFigures, labels?: Readonly<Record<string, string>>) => {
      const who = attribute(terms, interval.fromMs, namespace, labels);
      const key = JSON.stringify([who.costCentre, namespace, who.label?.key ?? null, who.label?.value ?? null]);
      const part = parts.get(key) ?? { costCentre: who.costCentre, namespace, label: who.label, figures: NO_FIGURES };
      part.figures = addFigures(part.figures, figures);
      parts.set(key, part);
    };
    if (interval.pods) for (const pod of interval.pods) add(pod.namespace, pod.figures, pod.labels);
    else for (const [namespace, { figures }] of interval.namespaces) add(namespace, figures);

    for (const part of parts.values()) {
      const { tariff } = part.costCentre === UNASSIGNED_COST_CENTRE ? {} : termsOf(terms, part.costCentre, interval.fromMs);
      const basis: BillingBasis = tariff?.basis ?? 'usage';
      const coverage = interval.namespaces.get(part.namespace)?.coverage ?? 0;
      for (const resource of INVOICE_RESOURCES) {
        // A tariff that leaves GPU memory unpriced bills no line for it (GPU-hours carry the GPU).
        if (tariff && priceOf(tariff, resource) === null) continue;
        const quantity = quantityOf(part.figures, resource, basis);
        const key = JSON.stringify([part.costCentre, part.namespace, resource, basis, tariff?.name ?? null, tariff?.validFromMs ?? null, part.label ?? null]);
        let line = open.get(key);
        if (!line || line.lastInterval !== index - 1) {
          line = {
            costCentre: part.costCentre,
            namespace: part.namespace,
            resource,
            basis,
            tariff,
            label: part.label,
            quantity: 0,
            coveredMs: 0,
            fromMs: interval.fromMs,
            toMs: interval.toMs,
            lastInterval: index,
          };
          lines.push(line);
          open.set(key, line);
        }
        line.quantity += quantity;
        line.coveredMs += coverage * durationMs;
        line.toMs = interval.toMs;
        line.lastInterval = index;
      }
    }
  });
  return invoicesOf(terms, lines, intervals);
}

function invoicesOf(terms: BillingTerms, open: readonly OpenLine[], intervals: readonly IntervalUsage[]): Invoice[] {
  const endMs = intervals.length > 0 ? (intervals[intervals.length - 1] as IntervalUsage).toMs - 1 : 0;
  const byCentre = new Map<string, InvoiceLine[]>();
  const currencies = new Map<string, Set<string>>();
  for (const l of open) {
    const quantity = Decimal.fromMeasure(l.quantity, QUANTITY_DECIMALS);
    if (quantity.isZero()) continue;
    const price = l.tariff ? priceOf(l.tariff, l.resource) : null;
    const amount = l.tariff && price ? quantity.times(price).round(l.tariff.rounding.decimals, l.tariff.rounding.mode) : null;
    const line: InvoiceLine = {
      namespace: l.namespace,
      resource: l.resource,
      quantity: quantity.toString(),
      unit: RESOURCE_UNITS[l.resource],
      basis: l.basis,
      unitPrice: price ? price.toString() : null,
      amount: amount ? amount.toString() : null,
      coverage: Decimal.fromMeasure(Math.min(1, l.coveredMs / (l.toMs - l.fromMs)), 4).toString(),
      from: new Date(l.fromMs).toISOString(),
      to: new Date(l.toMs).toISOString(),
      tariff: l.tariff?.name ?? null,
      tariffValidFrom: l.tariff ? new Date(l.tariff.validFromMs).toISOString() : null,
      ...(l.label ? { label: l.label } : {}),
    };
    byCentre.set(l.costCentre, [...(byCentre.get(l.costCentre) ?? []), line]);
    if (l.tariff) currencies.set(l.costCentre, (currencies.get(l.costCentre) ?? new Set()).add(l.tariff.currency));
  }
  const invoices: Invoice[] = [];
  for (const [code, lines] of byCentre) {
    const { centre } = code === UNASSIGNED_COST_CENTRE ? {} : termsOf(terms, code, endMs);
    const currencyOfLine = (line: InvoiceLine) => (line.tariff ? (terms.tariffs.find((t) => t.name === line.tariff)?.currency ?? null) : null);
    const inCurrencies = [...(currencies.get(code) ?? [])].sort();
    // One invoice per currency (a cost centre whose tariff changed currency); unpriced lines go with the first.
    const groups = inCurrencies.length > 0 ? inCurrencies : [null];
    groups.forEach((currency, i) => {
      const mine = lines.filter((l) => currencyOfLine(l) === currency || (i === 0 && currencyOfLine(l) === null)).sort(lineOrder);
      const priced = mine.filter((l) => l.amount !== null).map((l) => Decimal.parse(l.amount as string));
      const bases = new Set(mine.map((l) => l.basis));
      invoices.push({
        costCentre: code,
        costCentreName: code === UNASSIGNED_COST_CENTRE ? 'Usage no assignment covers' : (centre?.name ?? code),
        contact: centre?.contact ?? null,
        currency,
        basis: bases.size === 1 ? ([...bases][0] as BillingBasis) : 'mixed',
        lines: mine,
        total: priced.length > 0 ? sumOf(priced).toString() : null,
      });
    });
  }
  return invoices.sort((a, b) => invoiceRank(a) - invoiceRank(b) || compare(a.costCentre, b.costCentre) || compare(a.currency ?? '', b.currency ?? ''));
}

const RESOURCE_ORDER = new Map(INVOICE_RESOURCES.map((r, i) => [r, i]));

function lineOrder(a: InvoiceLine, b: InvoiceLine): number {
  return (
    compare(a.namespace, b.namespace) ||
    compare(a.from, b.from) ||
    (RESOURCE_ORDER.get(a.resource) ?? 0) - (RESOURCE_ORDER.get(b.resource) ?? 0) ||
    compare(a.label ? `${a.label.key}=${a.label.value}` : '', b.label ? `${b.label.key}=${b.label.value}` : '')
  );
}

function invoiceRank(i: Invoice): number {
  return i.costCentre === UNASSIGNED_COST_CENTRE ? 1 : 0;
}

/** Code unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
