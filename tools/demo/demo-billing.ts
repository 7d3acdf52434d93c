/**
 * The demo's billing terms, written through the API itself like a finance office would: two
 * tariffs, four cost centres (SIFAC-style codes), namespace assignments from the start of the
 * seeded month, one pod label assignment, and a namespace moved between cost centres yesterday,
 * so that the current month's invoices show a split, a label line and the unassigned invoice.
 */
export interface DemoBilling {
  /** The month to look at, `YYYY-MM` (UTC). */
  period: string;
  costCentres: number;
  assignments: number;
}

const PRICES = {
  standard: { cpu_core_hour: '0.021', memory_gib_hour: '0.0029', gpu_hour: '1.35', gpu_memory_gb_hour: '0.004' },
  teaching: { cpu_core_hour: '0.010', memory_gib_hour: '0.0015', gpu_hour: '0.80' },
};

const COST_CENTRES = [
  { code: 'F4521-INFO', name: 'Computer vision lab', tariff: 'standard', contact: 'pi-vision@demo.invalid' },
  { code: 'F4522-NLP', name: 'Natural language processing lab', tariff: 'standard', contact: 'pi-nlp@demo.invalid' },
  { code: 'E1200-TEACH', name: 'Teaching: machine learning course', tariff: 'teaching', contact: 'teaching-office@demo.invalid' },
  { code: 'S0001-IT', name: 'IT services', tariff: 'standard', contact: 'it@demo.invalid' },
];

export async function seedDemoBilling(base: string, headers: Record<string, string>, seededFrom: Date, now = new Date()): Promise<DemoBilling> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  };
  const monthStart = new Date(Date.UTC(seededFrom.getUTCFullYear(), seededFrom.getUTCMonth(), 1)).toISOString();
  const rounding = { mode: 'half-up', decimals: 2 };
  await post('/api/billing/tariffs', { name: 'standard', currency: 'EUR', validFrom: monthStart, basis: 'request', prices: PRICES.standard, rounding });
  await post('/api/billing/tariffs', { name: 'teaching', currency: 'EUR', validFrom: monthStart, basis: 'usage', prices: PRICES.teaching, rounding });
  for (const centre of COST_CENTRES) await post('/api/billing/cost-centres', centre);
  // team-web moved from IT services to the NLP lab a day ago, on the hour.
  const moved = new Date(Math.floor((now.getTime() - 86_400_000) / 3_600_000) * 3_600_000).toISOString();
  const assignments = [
    { costCentre: 'F4521-INFO', namespace: 'lab-vision', validFrom: monthStart },
    { costCentre: 'F4522-NLP', namespace: 'lab-nlp', validFrom: monthStart },
    { costCentre: 'E1200-TEACH', namespace: 'course-ml', validFrom: monthStart },
    { costCentre: 'S0001-IT', namespace: 'default', validFrom: monthStart },
    { costCentre: 'S0001-IT', namespace: 'cluster-3', validFrom: monthStart },
    { costCentre: 'S0001-IT', namespace: 'team-web', validFrom: monthStart },
    ...(Date.parse(moved) > Date.parse(monthStart) ? [{ costCentre: 'F4522-NLP', namespace: 'team-web', validFrom: moved }] : []),
    // The vision lab's annotation tool, wherever it runs: billed by its pod label.
    { costCentre: 'F4521-INFO', label: 'app', value: 'label-studio', validFrom: monthStart },
  ];
  for (const a of assignments) await post('/api/billing/assignments', a);
  return { period: monthStart.slice(0, 7), costCentres: COST_CENTRES.length, assignments: assignments.length };
}
