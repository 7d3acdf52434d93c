import { Decimal } from './decimal';
import { BillingPeriodDocument, InvoiceAdjustment, InvoiceResource, RESOURCE_UNITS } from './invoice';

interface Sum {
  costCentre: string;
  namespace: string;
  resource: InvoiceResource;
  currency: string | null;
  quantity: Decimal;
  amount: Decimal | null;
}

function sums(doc: Pick<BillingPeriodDocument, 'invoices'>): Map<string, Sum> {
  const out = new Map<string, Sum>();
  for (const invoice of doc.invoices) {
    for (const line of invoice.lines) {
      const key = JSON.stringify([invoice.costCentre, line.namespace, line.resource, invoice.currency]);
      const s = out.get(key) ?? {
        costCentre: invoice.costCentre,
        namespace: line.namespace,
        resource: line.resource,
        currency: invoice.currency,
        quantity: Decimal.ZERO,
        amount: null,
      };
      s.quantity = s.quantity.plus(Decimal.parse(line.quantity));
      if (line.amount !== null) s.amount = (s.amount ?? Decimal.ZERO).plus(Decimal.parse(line.amount));
      out.set(key, s);
    }
  }
  return out;
}

/**
 * A restatement's adjustments: per cost centre, namespace, resource and currency, this version's
 * quantity and amount minus the version before's; only where something changed.
 */
export function adjustmentsBetween(before: Pick<BillingPeriodDocument, 'invoices'>, after: Pick<BillingPeriodDocument, 'invoices'>): InvoiceAdjustment[] {
  const was = sums(before);
  const now = sums(after);
  const out: InvoiceAdjustment[] = [];
  for (const key of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const a = was.get(key);
    const b = now.get(key);
    const ref = (b ?? a) as Sum;
    const quantity = (b?.quantity ?? Decimal.ZERO).minus(a?.quantity ?? Decimal.ZERO);
    const amount = a?.amount == null && b?.amount == null ? null : (b?.amount ?? Decimal.ZERO).minus(a?.amount ?? Decimal.ZERO);
    if (quantity.isZero() && (amount === null || amount.isZero())) continue;
    out.push({
      costCentre: ref.costCentre,
      namespace: ref.namespace,
      resource: ref.resource,
      unit: RESOURCE_UNITS[ref.resource],
      currency: ref.currency,
      quantity: quantity.toString(),
      amount: amount ? amount.toString() : null,
    });
  }
  return out;
}
