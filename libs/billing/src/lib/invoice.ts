import type { BillingBasis } from '@kube-monitoring/contract';

/** What an invoice line bills, and its unit. */
export const INVOICE_RESOURCES = ['cpu', 'memory', 'gpu', 'gpu_memory'] as const;
export type InvoiceResource = (typeof INVOICE_RESOURCES)[number];
export const RESOURCE_UNITS: Readonly<Record<InvoiceResource, string>> = {
  cpu: 'core-hour',
  memory: 'GiB-hour',
  gpu: 'GPU-hour',
  gpu_memory: 'GB-hour',
};

/** The cost centre of usage no assignment covers: its own invoice, unpriced, never dropped. */
export const UNASSIGNED_COST_CENTRE = '__unassigned__';

/** Quantities are kept to this many decimals (a millionth of a core-hour) before pricing. */
export const QUANTITY_DECIMALS = 6;

/**
 * One line: a namespace's use of one resource, under one cost centre and one tariff version, over
 * [from, to). Every number is a plain decimal string (money is never a binary float).
 */
export interface InvoiceLine {
  namespace: string;
  resource: InvoiceResource;
  /** In `unit`, to QUANTITY_DECIMALS decimals, under the line's basis. */
  quantity: string;
  unit: string;
  basis: BillingBasis;
  /** Per unit, in the invoice's currency; null on the unpriced `__unassigned__` invoice. */
  unitPrice: string | null;
  /** quantity × unitPrice rounded by the tariff's rule; null when unpriced. */
  amount: string | null;
  /** Fraction (0..1, 4 decimals) of [from, to) for which the namespace had samples. */
  coverage: string;
  /** The part of the period the line covers (RFC 3339, UTC): its cost centre's and tariff version's. */
  from: string;
  to: string;
  /** The tariff and its version (its `validFrom`) that priced it; null when unpriced. */
  tariff: string | null;
  tariffValidFrom: string | null;
  /** Assigned by a pod label (`team=vision`) rather than by namespace: which one. */
  label?: { key: string; value: string };
}

export interface Invoice {
  /** The cost centre's code (the finance system's account), or `__unassigned__`. */
  costCentre: string;
  costCentreName: string;
  contact: string | null;
  /** ISO 4217; null on the unpriced `__unassigned__` invoice. */
  currency: string | null;
  /** The basis of its lines; `mixed` when a tariff changed basis within the period. */
  basis: BillingBasis | 'mixed';
  lines: InvoiceLine[];
  /** Sum of the lines' amounts; null when unpriced. */
  total: string | null;
}

/** A restatement's difference to the version before, per cost centre, namespace and resource (this version − the one before). */
export interface InvoiceAdjustment {
  costCentre: string;
  namespace: string;
  resource: InvoiceResource;
  unit: string;
  currency: string | null;
  quantity: string;
  amount: string | null;
}

/** `GET /api/billing/periods/{YYYY-MM}`: a calendar month's invoices, computed (open) or frozen (closed). */
export interface BillingPeriodDocument {
  /** `YYYY-MM`, a calendar month of BILLING_TIMEZONE. */
  period: string;
  /** The month's bounds (RFC 3339, UTC). */
  from: string;
  to: string;
  timeZone: string;
  status: 'open' | 'closed';
  /** 0 while open and never closed; 1 when closed, n+1 for each restatement. */
  version: number;
  /** SHA-256 (hex) of the canonical JSON of this document without `sha256`; null while open. */
  sha256: string | null;
  invoices: Invoice[];
  generatedAt: string;
  /** Restatements: why, the version restated and the difference to it. */
  reason?: string;
  restates?: { version: number; sha256: string };
  adjustments?: InvoiceAdjustment[];
  /** Who closed or restated it. */
  closedBy?: string;
  /** Only for a caller limited to some namespaces: their lines, totals over them (the hash is the whole document's). */
  partial?: boolean;
}
