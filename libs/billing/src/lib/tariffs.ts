import type { BillingBasis } from '@kube-monitoring/contract';

import { Decimal, RoundingMode } from './decimal';
import type { InvoiceResource } from './invoice';

/** Prices per unit, plain decimal strings in the tariff's currency; GPU memory is optional (unpriced: no line). */
export interface TariffPrices {
  cpu_core_hour: string;
  memory_gib_hour: string;
  gpu_hour: string;
  gpu_memory_gb_hour?: string | null;
}

/** Which price prices which resource. */
export const PRICE_OF: Readonly<Record<InvoiceResource, keyof TariffPrices>> = {
  cpu: 'cpu_core_hour',
  memory: 'memory_gib_hour',
  gpu: 'gpu_hour',
  gpu_memory: 'gpu_memory_gb_hour',
};

export interface Rounding {
  mode: RoundingMode;
  /** Decimals of each line's amount (0–6). */
  decimals: number;
}

/** One version of a named price list, in force from `validFromMs` until the next version's. */
export interface TariffVersion {
  name: string;
  currency: string;
  validFromMs: number;
  basis: BillingBasis;
  prices: TariffPrices;
  rounding: Rounding;
}

/** One version of a cost centre (the finance system's account): which tariff prices it. */
export interface CostCentreVersion {
  code: string;
  validFromMs: number;
  name: string;
  tariff: string;
  contact: string | null;
}

/** What an assignment selects: a namespace, or the pods with a label value. */
export type AssignmentSelector = { kind: 'namespace'; namespace: string } | { kind: 'label'; key: string; value: string };

/** From `validFromMs` on, what the selector selects is billed to `costCentre` (`__unassigned__` ends an assignment). */
export interface Assignment {
  selector: AssignmentSelector;
  costCentre: string;
  validFromMs: number;
}

/** The key under which an assignment's versions follow each other. */
export function selectorKey(s: AssignmentSelector): string {
  return s.kind === 'namespace' ? `namespace:${s.namespace}` : `label:${s.key}=${s.value}`;
}

/** ISO 4217 shape: three capital letters. */
export const CURRENCY = /^[A-Z]{3}$/;
/** Prices: non-negative plain decimals, at most 9 fraction digits. */
export const PRICE = /^\d{1,12}(\.\d{1,9})?$/;
export const MAX_ROUNDING_DECIMALS = 6;

/** The version in force at an instant (versions of one record, any order); undefined before the first. */
export function versionAt<T extends { validFromMs: number }>(versions: readonly T[], atMs: number): T | undefined {
  let best: T | undefined;
  for (const v of versions) if (v.validFromMs <= atMs && (!best || v.validFromMs > best.validFromMs)) best = v;
  return best;
}

/** A price as a Decimal; null when the tariff leaves the resource unpriced. */
export function priceOf(tariff: TariffVersion, resource: InvoiceResource): Decimal | null {
  const price = tariff.prices[PRICE_OF[resource]];
  return price === undefined || price === null ? null : Decimal.parse(price);
}
