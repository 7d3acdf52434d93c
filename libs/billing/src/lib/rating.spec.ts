import { adjustmentsBetween } from './adjustments';
import { BillingTerms, planIntervals } from './billing-plan';
import { BillingPeriodDocument, Invoice, UNASSIGNED_COST_CENTRE } from './invoice';
import { IntervalUsage, NO_FIGURES, rateInvoices, ResourceFigures } from './rating';
import { TariffVersion } from './tariffs';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

const STANDARD_V1: TariffVersion = {
  name: 'standard',
  currency: 'EUR',
  validFromMs: at('2026-01-01T00:00:00Z'),
  basis: 'request',
  prices: { cpu_core_hour: '0.02', memory_gib_hour: '0.005', gpu_hour: '1.20' },
  rounding: { mode: 'half-up', decimals: 2 },
};
// A price change on the 15th: a new version, never an edit.
const STANDARD_V2: TariffVersion = { ...STANDARD_V1, validFromMs: at('2026-10-15T00:00:00Z'), prices: { ...STANDARD_V1.prices, cpu_core_hour: '0.03' } };

const TERMS: BillingTerms = {
  tariffs: [STANDARD_V1, STANDARD_V2],
  costCentres: [
    { code: 'CC-100', validFromMs: 0, name: 'Vision lab', tariff: 'standard', contact: 'pi@example.org' },
    { code: 'CC-200', validFromMs: 0, name: 'Data science', tariff: 'standard', contact: null },
  ],
  assignments: [
    { selector: { kind: 'namespace', namespace: 'lab-a' }, costCentre: 'CC-100', validFromMs: at('2026-09-01T00:00:00Z') },
    // Moved mid-month, at a non-hour instant.
    { selector: { kind: 'namespace', namespace: 'lab-a' }, costCentre: 'CC-200', validFromMs: at('2026-10-15T09:30:00Z') },
    { selector: { kind: 'label', key: 'app', value: 'jupyter' }, costCentre: 'CC-200', validFromMs: at('2026-10-01T00:00:00Z') },
  ],
};

/** Constant holdings over `hours`: cores, GiB and GPUs held (request) and used. */
function held(hours: number, h: { cpuRequest?: number; cpuUse?: number; memRequest?: number; gpus?: number }): ResourceFigures {
  const cpuRequest = (h.cpuRequest ?? 0) * hours;
  const cpuUse = (h.cpuUse ?? 0) * hours;
  const memRequest = (h.memRequest ?? 0) * hours;
  return {
    cpu: { usage: cpuUse, request: cpuRequest, max: Math.max(cpuRequest, cpuUse) },
    memory: { usage: 0, request: memRequest, max: memRequest },
    gpu: (h.gpus ?? 0) * hours,
    gpu_memory: 0,
  };
}

function october(): IntervalUsage[] {
  return planIntervals(at('2026-10-01T00:00:00Z'), at('2026-11-01T00:00:00Z'), TERMS).map((i) => {
    const hours = (i.toMs - i.fromMs) / H;
    const web = held(hours, { cpuRequest: 2, cpuUse: 1, memRequest: 4 });
    // A MIG 3g.40gb slice: 3/7 of an A100.
    const jupyter = held(hours, { cpuRequest: 1, gpus: 3 / 7 });
    const labB = held(hours, { cpuRequest: 4, cpuUse: 3 });
    const sum = (a: ResourceFigures, b: ResourceFigures) => ({
      cpu: { usage: a.cpu.usage + b.cpu.usage, request: a.cpu.request + b.cpu.request, max: a.cpu.max + b.cpu.max },
      memory: { usage: 0, request: a.memory.request + b.memory.request, max: a.memory.max + b.memory.max },
      gpu: a.gpu + b.gpu,
      gpu_memory: 0,
    });
    return {
      ...i,
      namespaces: new Map([
        ['lab-a', { coverage: 1, figures: sum(web, jupyter) }],
        ['lab-b', { coverage: 0.5, figures: labB }],
      ]),
      pods: [
        { namespace: 'lab-a', labels: { app: 'web' }, figures: web },
        { namespace: 'lab-a', labels: { app: 'jupyter' }, figures: jupyter },
        { namespace: 'lab-b', labels: { app: 'batch' }, figures: labB },
      ],
    };
  });
}

const summary = (invoices: Invoice[]) =>
  invoices.map((i) => ({
    costCentre: i.costCentre,
    total: i.total,
    lines: i.lines.map((l) => [l.namespace, l.resource, l.quantity, l.unitPrice, l.amount, l.from.slice(0, 16), l.to.slice(0, 16), l.label?.value ?? null]),
  }));

describe('rateInvoices: a worked month', () => {
  it('should cut the month where a tariff version or an assignment takes effect', () => {
    const intervals = planIntervals(at('2026-10-01T00:00:00Z'), at('2026-11-01T00:00:00Z'), TERMS);
    expect(intervals.map((i) => (i.toMs - i.fromMs) / H)).toEqual([336, 9.5, 398.5]);
  });

  it('should split a moved namespace at the instant, price each part by the version in force, bill labelled pods to their label, and keep the unassigned', () => {
    const invoices = rateInvoices(TERMS, october());
    expect(summary(invoices)).toEqual([
      {
        costCentre: 'CC-100',
        // 672 × 0.02 + 1344 × 0.005 + 19 × 0.03 + 38 × 0.005
        total: '20.92',
        lines: [
          ['lab-a', 'cpu', '672.000000', '0.02', '13.44', '2026-10-01T00:00', '2026-10-15T00:00', null],
          ['lab-a', 'memory', '1344.000000', '0.005', '6.72', '2026-10-01T00:00', '2026-10-15T00:00', null],
          ['lab-a', 'cpu', '19.000000', '0.03', '0.57', '2026-10-15T00:00', '2026-10-15T09:30', null],
          ['lab-a', 'memory', '38.000000', '0.005', '0.19', '2026-10-15T00:00', '2026-10-15T09:30', null],
        ],
      },
      {
        costCentre: 'CC-200',
        total: '433.47',
        lines: [
          ['lab-a', 'cpu', '336.000000', '0.02', '6.72', '2026-10-01T00:00', '2026-10-15T00:00', 'jupyter'],
          ['lab-a', 'gpu', '144.000000', '1.20', '172.80', '2026-10-01T00:00', '2026-10-15T00:00', 'jupyter'],
          ['lab-a', 'cpu', '408.000000', '0.03', '12.24', '2026-10-15T00:00', '2026-11-01T00:00', 'jupyter'],
          ['lab-a', 'gpu', '174.857143', '1.20', '209.83', '2026-10-15T00:00', '2026-11-01T00:00', 'jupyter'],
          ['lab-a', 'cpu', '797.000000', '0.03', '23.91', '2026-10-15T09:30', '2026-11-01T00:00', null],
          ['lab-a', 'memory', '1594.000000', '0.005', '7.97', '2026-10-15T09:30', '2026-11-01T00:00', null],
        ],
      },
      {
        costCentre: UNASSIGNED_COST_CENTRE,
        total: null,
        // Unpriced, by usage: 3 cores × 744 h.
        lines: [['lab-b', 'cpu', '2232.000000', null, null, '2026-10-01T00:00', '2026-11-01T00:00', null]],
      },
    ]);
    const unassigned = invoices[2] as Invoice;
    expect({ currency: unassigned.currency, basis: unassigned.basis, coverage: unassigned.lines[0]?.coverage }).toEqual({ currency: null, basis: 'usage', coverage: '0.5000' });
  });

  it('should make every amount its quantity × unit price rounded by the stated rule, and every total the sum of its lines', () => {
    for (const invoice of rateInvoices(TERMS, october())) {
      let cents = 0n;
      for (const line of invoice.lines) {
        if (line.amount === null) continue;
        const exact = (Number(line.quantity) * Number(line.unitPrice)).toFixed(6);
        expect(Number(line.amount)).toBeCloseTo(Number(exact), 2);
        cents += BigInt(line.amount.replace('.', ''));
      }
      if (invoice.total !== null) expect(BigInt(invoice.total.replace('.', ''))).toBe(cents);
    }
  });

  it.each([
    ['half-up', '0.02'],
    ['down', '0.01'],
  ] as const)('should round a line %s', (mode, amount) => {
    const tariff: TariffVersion = { ...STANDARD_V1, basis: 'usage', prices: { cpu_core_hour: '0.015', memory_gib_hour: '0', gpu_hour: '0' }, rounding: { mode, decimals: 2 } };
    const terms: BillingTerms = {
      tariffs: [tariff],
      costCentres: [{ code: 'X', validFromMs: 0, name: 'X', tariff: 'standard', contact: null }],
      assignments: [{ selector: { kind: 'namespace', namespace: 'n' }, costCentre: 'X', validFromMs: 0 }],
    };
    const figures = { ...NO_FIGURES, cpu: { usage: 1.2345671, request: 0, max: 1.2345671 } };
    const [invoice] = rateInvoices(terms, [{ fromMs: at('2026-10-01T00:00:00Z'), toMs: at('2026-10-01T01:00:00Z'), namespaces: new Map([['n', { coverage: 1, figures }]]) }]);
    // 1.234567 × 0.015 = 0.018518505
    expect(invoice?.lines.map((l) => [l.resource, l.quantity, l.amount])).toEqual([['cpu', '1.234567', amount]]);
  });

  it('should bill what the tariff basis says: max(request, usage) per sample under max', () => {
    const terms: BillingTerms = {
      ...TERMS,
      tariffs: [{ ...STANDARD_V1, basis: 'max', validFromMs: 0 }],
      assignments: [{ selector: { kind: 'namespace', namespace: 'n' }, costCentre: 'CC-100', validFromMs: 0 }],
    };
    const figures = { ...NO_FIGURES, cpu: { usage: 10, request: 8, max: 12 } };
    const [invoice] = rateInvoices(terms, [{ fromMs: 0, toMs: H, namespaces: new Map([['n', { coverage: 1, figures }]]) }]);
    expect(invoice?.lines.map((l) => [l.resource, l.basis, l.quantity])).toEqual([['cpu', 'max', '12.000000']]);
  });
});

describe('adjustmentsBetween', () => {
  it('should give this version minus the one before per cost centre, namespace and resource', () => {
    const v1 = { invoices: rateInvoices(TERMS, october()) };
    // A restatement after lab-b was found to belong to CC-100 all month.
    const restated: BillingTerms = {
      ...TERMS,
      assignments: [...TERMS.assignments, { selector: { kind: 'namespace', namespace: 'lab-b' }, costCentre: 'CC-100', validFromMs: at('2026-10-01T00:00:00Z') }],
    };
    const v2 = { invoices: rateInvoices(restated, october()) };
    const adjustments = adjustmentsBetween(v1 as BillingPeriodDocument, v2 as BillingPeriodDocument);
    expect(adjustments).toEqual([
      // Billed by request now: 4 cores × 336 h at 0.02 + × 408 h at 0.03.
      { costCentre: 'CC-100', namespace: 'lab-b', resource: 'cpu', unit: 'core-hour', currency: 'EUR', quantity: '2976.000000', amount: '75.84' },
      { costCentre: UNASSIGNED_COST_CENTRE, namespace: 'lab-b', resource: 'cpu', unit: 'core-hour', currency: null, quantity: '-2232.000000', amount: null },
    ]);
    expect(adjustmentsBetween(v2 as BillingPeriodDocument, v2 as BillingPeriodDocument)).toEqual([]);
  });
});
