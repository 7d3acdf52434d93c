/**
 * Billing through the whole API on a real InfluxDB and each user store (SQLite, PostgreSQL): terms
 * are effective-dated, an open month is priced from the ledger exactly as the usage report measures
 * its parts, closing freezes its bytes and hash, late samples are a hint and not a change, and a
 * restatement is the next version with its adjustments.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BillingPeriodDocument, canonicalJson, Decimal, Invoice, InvoiceLine, sha256Hex, UNASSIGNED_COST_CENTRE } from '@kube-monitoring/billing';
import { checkFocusConformance, pdfText } from '@kube-monitoring/billing/testing';
import { UsageReport } from '@kube-monitoring/contract';
import { LoadedScenario, loadScenario, SHORT_CHURN } from '@kube-monitoring/scenarios';
import { InfluxHandle, startInfluxDb } from '@kube-monitoring/testing';

import { ApiUnderTest, SERVICE_HEADERS, startApi, waitForLedger } from '../accuracy/support/api-under-test';
import { Backend, BACKENDS, startBackend } from '../users/support/backends';

jest.setTimeout(300_000);

const PERIOD = '2024-03';
const MONTH = { from: '2024-03-01T00:00:00.000Z', to: '2024-04-01T00:00:00.000Z' };
/** The price change and the move: both inside the data (which spans 2024-03-19T22:00 … 03-20T14:00). */
const PRICE_CHANGE = '2024-03-20T00:00:00.000Z';
const MOVE = '2024-03-20T06:30:00.000Z';

const STANDARD = {
  name: 'standard',
  currency: 'EUR',
  validFrom: '2024-01-01T00:00:00Z',
  basis: 'request',
  prices: { cpu_core_hour: '0.021', memory_gib_hour: '0.0029', gpu_hour: '1.35' },
  rounding: { mode: 'half-up', decimals: 2 },
};

let influx: InfluxHandle;
let loaded: LoadedScenario;

beforeAll(async () => {
  influx = await startInfluxDb();
  loaded = await loadScenario(influx.url, SHORT_CHURN, { database: 'billing_periods' });
});

afterAll(async () => {
  await influx?.stop();
});

/** Each pod of a namespace with its Heapster `labels` tag (`app:web,team:lab`), read from InfluxDB itself. */
async function podsWithLabels(database: string, namespace: string): Promise<Map<string, Record<string, string>>> {
  const q = `SELECT count("value") FROM "cpu/request" WHERE "namespace_name" = '${namespace}' GROUP BY "pod_name", "labels"`;
  const res = await fetch(`${influx.url}/query`, { method: 'POST', body: new URLSearchParams({ db: database, q }) });
  const body = (await res.json()) as { results: { series?: { tags: Record<string, string> }[] }[] };
  const out = new Map<string, Record<string, string>>();
  for (const s of body.results[0]?.series ?? []) {
    const labels = Object.fromEntries(
      (s.tags['labels'] ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf(':')), kv.slice(kv.indexOf(':') + 1)]),
    );
    out.set(s.tags['pod_name'] as string, labels);
  }
  return out;
}

/** quantity × price, rounded half-up, in exact decimals: what every amount must be. */
function priced(quantity: string, price: string, decimals: number): string {
  return Decimal.parse(quantity).times(Decimal.parse(price)).round(decimals, 'half-up').toString();
}

function linesOf(doc: BillingPeriodDocument, costCentre: string): InvoiceLine[] {
  return doc.invoices.filter((i) => i.costCentre === costCentre).flatMap((i) => i.lines);
}

describe.each(BACKENDS)('Billing periods (API, InfluxDB, %s)', (kind) => {
  let backend: Backend;
  let api: ApiUnderTest;
  let dir: string;
  /** The namespace moved on the data's day, and the others, from the month's report. */
  let moved: string;
  let others: string[];
  /** A namespace whose pods of one app are billed by their label, and that app. */
  let labelled: string;
  let app: string;

  const raw = (method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = SERVICE_HEADERS) =>
    api.app.inject({
      method,
      url,
      headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const usage = async (from: string, to: string, namespaces: string[], basis = 'request') =>
    (await api.post<UsageReport>('/api/usage', { from, to, namespaces, includeSystem: true, basis })).body;

  beforeAll(async () => {
    backend = await startBackend(kind);
    const store = await backend.freshStore();
    dir = mkdtempSync(join(tmpdir(), 'km-billing-'));
    api = await startApi(influx.url, loaded.database, {
      ...store.env,
      LEDGER_ENABLED: 'true',
      LEDGER_POLL_INTERVAL: '1s',
      LEDGER_RECHECK: '5000d',
      LEDGER_BACKFILL_FROM: SHORT_CHURN.dataFrom,
      BILLING_TIMEZONE: 'UTC',
    });
    await waitForLedger(api);
    const month = await api.post<UsageReport>('/api/usage', { ...MONTH, includeSystem: true });
    const withRequests = month.body.rows.filter((r) => r.cpu_request_core_hours > 1).map((r) => r.namespace_name as string);
    [moved, ...others] = withRequests;
    expect(others.length).toBeGreaterThan(1);
    labelled = others[1] as string;
    // An app of that namespace found in neither the moved one nor the one assigned later: its pods are billed by label alone.
    const appsOf = async (ns: string) => new Set([...(await podsWithLabels(loaded.database, ns)).values()].map((l) => l['app']).filter((a): a is string => a !== undefined));
    const [mine, movedApps, laterApps] = await Promise.all([appsOf(labelled), appsOf(moved), appsOf(others[0] as string)]);
    const apps = [...mine].filter((a) => !movedApps.has(a) && !laterApps.has(a)).sort();
    expect(apps.length).toBeGreaterThan(0);
    app = apps[0] as string;
  });

  afterAll(async () => {
    await api?.close();
    await backend?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should keep every version of the terms, refusing edits and unknown references with the field named', async () => {
    expect((await api.post('/api/billing/tariffs', STANDARD)).status).toBe(201);
    // The price change: a new version from its instant.
    const v2 = await api.post<{ validFrom: string }>('/api/billing/tariffs', { ...STANDARD, validFrom: PRICE_CHANGE, prices: { ...STANDARD.prices, cpu_core_hour: '0.025' } });
    expect(v2.status).toBe(201);
    const refused: [string, unknown, number, string][] = [
      ['/api/billing/tariffs', { ...STANDARD, validFrom: '2024-02-01' }, 409, 'validFrom:'],
      ['/api/billing/tariffs', { ...STANDARD, validFrom: '2025-01-01', currency: 'USD' }, 400, 'currency:'],
      ['/api/billing/tariffs', { ...STANDARD, name: 'x', prices: { ...STANDARD.prices, cpu_core_hour: 0.021 } }, 400, 'prices.cpu_core_hour:'],
      ['/api/billing/tariffs', { ...STANDARD, name: 'x', rounding: { mode: 'nearest', decimals: 2 } }, 400, 'rounding.mode:'],
      ['/api/billing/cost-centres', { code: 'CC-A', name: 'A', tariff: 'nope' }, 400, 'tariff:'],
      ['/api/billing/assignments', { costCentre: 'CC-NONE', namespace: 'x', validFrom: '2024-03-01' }, 400, 'costCentre:'],
      ['/api/billing/assignments', { costCentre: UNASSIGNED_COST_CENTRE, namespace: 'x', label: 'app', value: 'y', validFrom: '2024-03-01' }, 400, 'namespace:'],
    ];
    for (const [path, body, status, message] of refused) {
      const res = await api.post<{ message: string }>(path, body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status });
      expect(res.body.message).toContain(message);
    }
    for (const code of ['CC-A', 'CC-B'])
      expect((await api.post('/api/billing/cost-centres', { code, name: `Cost centre ${code}`, tariff: 'standard', contact: `${code}@example.org` })).status).toBe(201);
    expect((await api.post('/api/billing/assignments', { costCentre: 'CC-A', namespace: moved, validFrom: '2024-03-01' })).status).toBe(201);
    // The pods of one app, wherever they run, to CC-B: before their namespace's assignment (none here).
    expect((await api.post('/api/billing/assignments', { costCentre: 'CC-B', label: 'app', value: app, validFrom: '2024-03-01' })).status).toBe(201);
    // Moved mid-month, through the CSV import (all rows or none).
    const bad = await raw('POST', '/api/billing/assignments/import', undefined, { ...SERVICE_HEADERS, 'content-type': 'text/csv' });
    expect(bad.statusCode).toBe(400);
    const badCsv = await api.app.inject({
      method: 'POST',
      url: '/api/billing/assignments/import',
      headers: { ...SERVICE_HEADERS, 'content-type': 'text/csv' },
      payload: `costCentre,namespace,validFrom\nCC-B,${moved},${MOVE}\nCC-B,${others[0]},tomorrow\n`,
    });
    expect(badCsv.statusCode).toBe(400);
    expect(badCsv.json().message).toContain('line 3: validFrom:');
    const csv = await api.app.inject({
      method: 'POST',
      url: '/api/billing/assignments/import',
      headers: { ...SERVICE_HEADERS, 'content-type': 'text/csv' },
      payload: `costCentre,namespace,validFrom\r\nCC-B,${moved},${MOVE}\r\n`,
    });
    expect(csv.statusCode).toBe(201);
    expect(csv.json()).toEqual({ imported: 1 });
    const again = await api.post<{ message: string }>('/api/billing/assignments', { costCentre: 'CC-A', namespace: moved, validFrom: MOVE });
    expect(again.status).toBe(409);
    const listed = await api.get<{ assignments: { namespace: string; costCentre: string; validFrom: string }[] }>('/api/billing/assignments');
    const byKey = listed.body.assignments.filter((a) => a.namespace === moved).map((a) => [a.namespace, a.costCentre, a.validFrom]);
    expect(byKey).toEqual([
      [moved, 'CC-A', '2024-03-01T00:00:00.000Z'],
      [moved, 'CC-B', MOVE],
    ]);
    expect(listed.body.assignments).toHaveLength(3);
  });

  it('should price an open month from the ledger: the moved namespace split exactly at the instant, each part at the version in force, the rest unassigned', async () => {
    const res = await raw('GET', `/api/billing/periods/${PERIOD}`);
    expect(res.statusCode).toBe(200);
    const doc = res.json() as BillingPeriodDocument;
    expect({ status: doc.status, version: doc.version, sha256: doc.sha256, from: doc.from, to: doc.to }).toEqual({ status: 'open', version: 0, sha256: null, ...MONTH });
    const parts: [string, string, string, string][] = [
      ['CC-A', MONTH.from, PRICE_CHANGE, '0.021'],
      ['CC-A', PRICE_CHANGE, MOVE, '0.025'],
      ['CC-B', MOVE, MONTH.to, '0.025'],
    ];
    for (const [costCentre, from, to, price] of parts) {
      const truth = await usage(from, to, [moved]);
      const line = linesOf(doc, costCentre).find((l) => l.resource === 'cpu' && l.from === from && l.to === to);
      expect({ costCentre, from, line: line !== undefined }).toEqual({ costCentre, from, line: true });
      const l = line as InvoiceLine;
      // The report rounds each pod to 1e-6: a sum over pods (labels in force) agrees to a few millionths.
      expect(Math.abs(Number(l.quantity) - (truth.rows[0]?.cpu_request_core_hours ?? 0))).toBeLessThanOrEqual(1e-5);
      expect({ unitPrice: l.unitPrice, amount: l.amount, basis: l.basis, unit: l.unit }).toEqual({
        unitPrice: price,
        amount: priced(l.quantity, price, 2),
        basis: 'request',
        unit: 'core-hour',
      });
    }
    for (const invoice of doc.invoices.filter((i) => i.costCentre !== UNASSIGNED_COST_CENTRE)) {
      const total = invoice.lines.reduce((t, l) => t.plus(Decimal.parse(l.amount as string)), Decimal.ZERO);
      expect(invoice.total).toBe(total.toString());
      expect(invoice.currency).toBe('EUR');
    }
    // The labelled pods' requests are CC-B's, on lines that say which label; the rest of their namespace is unassigned.
    const labels = await podsWithLabels(loaded.database, labelled);
    const pods = (await api.post<UsageReport>('/api/usage', { ...MONTH, namespaces: [labelled], groupBy: 'pod', basis: 'request' })).body.rows;
    const ofApp = pods.filter((r) => labels.get(r.pod_name as string)?.['app'] === app).reduce((sum, r) => sum + r.cpu_request_core_hours, 0);
    const labelLines = linesOf(doc, 'CC-B').filter((l) => l.namespace === labelled && l.resource === 'cpu');
    expect(labelLines.every((l) => l.label?.key === 'app' && l.label.value === app)).toBe(true);
    expect(Math.abs(labelLines.reduce((q, l) => q + Number(l.quantity), 0) - ofApp)).toBeLessThanOrEqual(1e-5);
    expect(ofApp).toBeGreaterThan(0);

    // Every other namespace (kube-system too) is on the unassigned invoice, by usage, unpriced: never dropped.
    const unassigned = doc.invoices.find((i) => i.costCentre === UNASSIGNED_COST_CENTRE) as Invoice;
    const month = await api.post<UsageReport>('/api/usage', { ...MONTH, includeSystem: true });
    for (const row of month.body.rows.filter((r) => r.namespace_name !== moved && r.namespace_name !== labelled && r.cpu_core_hours > 0)) {
      const line = unassigned.lines.find((l) => l.namespace === row.namespace_name && l.resource === 'cpu');
      expect({ ns: row.namespace_name, unitPrice: line?.unitPrice, amount: line?.amount }).toEqual({ ns: row.namespace_name, unitPrice: null, amount: null });
      expect(Math.abs(Number(line?.quantity) - row.cpu_core_hours)).toBeLessThanOrEqual(1e-6);
    }
    expect(unassigned.total).toBeNull();
  });

  let closedBytes = '';

  it('should freeze a closed month as canonical JSON whose SHA-256 anyone can recompute, answer the same bytes ever after, and refuse a second closing', async () => {
    const closed = await raw('POST', `/api/billing/periods/${PERIOD}/close`);
    expect(closed.statusCode).toBe(201);
    closedBytes = closed.body;
    const doc = JSON.parse(closedBytes) as BillingPeriodDocument;
    expect({ status: doc.status, version: doc.version, closedBy: doc.closedBy }).toEqual({ status: 'closed', version: 1, closedBy: 'service' });
    // The documented check: the document without `sha256`, keys sorted, no whitespace, hashed.
    const { sha256, ...unsigned } = doc;
    expect(sha256).toBe(sha256Hex(canonicalJson(unsigned)));
    expect(closedBytes).toBe(canonicalJson(doc));
    expect(closed.headers['etag']).toBe(`"${sha256}"`);
    expect((await raw('POST', `/api/billing/periods/${PERIOD}/close`)).statusCode).toBe(409);

    // Whatever happens to the terms afterwards, the closed month answers its bytes.
    expect((await api.post('/api/billing/tariffs', { ...STANDARD, validFrom: '2024-03-25T00:00:00Z', prices: { ...STANDARD.prices, cpu_core_hour: '9.99' } })).status).toBe(201);
    expect((await api.post('/api/billing/assignments', { costCentre: 'CC-A', namespace: others[0], validFrom: '2024-03-01' })).status).toBe(201);
    const later = await raw('GET', `/api/billing/periods/${PERIOD}`);
    expect(later.body).toBe(closedBytes);
    const list = await api.get<{ periods: { period: string; status: string; version: number; sha256: string; lateDataSince: string | null }[] }>('/api/billing/periods');
    expect(list.body.periods.find((p) => p.period === PERIOD)).toEqual({ period: PERIOD, status: 'closed', version: 1, sha256, lateDataSince: null });
  });

  it('should export the closed month as invoice CSV, FOCUS 1.2 CSV and a PDF per cost centre, from the same bytes', async () => {
    const doc = JSON.parse(closedBytes) as BillingPeriodDocument;
    const csv = await raw('GET', `/api/billing/periods/${PERIOD}/invoices.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="invoices-${PERIOD}-v1.csv"`);
    const rows = csv.body.split('\r\n').filter((r) => r !== '');
    expect(rows).toHaveLength(1 + doc.invoices.reduce((n, i) => n + i.lines.length, 0));
    expect(rows.slice(1).every((r) => r.includes(doc.sha256 as string))).toBe(true);

    const focus = await raw('GET', `/api/billing/periods/${PERIOD}/invoices.csv?format=focus`);
    expect(focus.statusCode).toBe(200);
    expect(checkFocusConformance(focus.body)).toEqual([]);
    expect(focus.body.split('\r\n')[0]).toContain('BilledCost');

    const pdf = await api.app.inject({ method: 'GET', url: `/api/billing/periods/${PERIOD}/invoices/CC-A.pdf`, headers: SERVICE_HEADERS });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // Read back with a PDF text extractor: the cost centre's lines, its total and the period's hash.
    const text = await pdfText(pdf.rawPayload);
    const invoice = doc.invoices.find((i) => i.costCentre === 'CC-A') as Invoice;
    expect(text).toContain(doc.sha256 as string);
    expect(text).toContain(invoice.total as string);
    for (const line of invoice.lines)
      expect({ quantity: line.quantity, amount: line.amount, found: text.includes(line.quantity) && text.includes(line.amount as string) }).toEqual({
        quantity: line.quantity,
        amount: line.amount,
        found: true,
      });
    expect((await raw('GET', `/api/billing/periods/${PERIOD}/invoices/CC-NONE.pdf`)).statusCode).toBe(404);
    expect((await raw('GET', `/api/billing/periods/${PERIOD}/invoices/CC-A.txt`)).statusCode).toBe(400);
    expect((await raw('GET', `/api/billing/periods/${PERIOD}/invoices.csv?format=xml`)).statusCode).toBe(400);
  });

  it('should refuse to roll a closed month again, and keep late samples as a hint instead of a change', async () => {
    const reroll = await api.post<{ message: string }>('/api/ledger/reroll', { from: '2024-03-20T01:00:00Z', to: '2024-03-20T02:00:00Z' });
    expect(reroll.status).toBe(409);
    expect(reroll.body.message).toContain(`closed billing period ${PERIOD}`);
    // A collector backlog lands in the closed month: a GiB for an hour in a namespace that is billed to nobody yet
    // (a pod of its own per store: the suites share the InfluxDB database).
    const hour = Date.parse('2024-03-20T03:00:00Z');
    const lines = Array.from({ length: 60 }, (_, i) => `memory/usage,namespace_name=late-arrivals,pod_name=backlog-${kind},type=pod value=1073741824i ${hour + (i + 1) * 60_000}`);
    const write = await fetch(`${influx.url}/write?db=${loaded.database}&precision=ms`, { method: 'POST', body: lines.join('\n') });
    expect(write.status).toBe(204);
    const deadline = Date.now() + 90_000;
    let late: { period: string; since: string; hours: number }[] = [];
    while (Date.now() < deadline && late.length === 0) {
      await new Promise((r) => setTimeout(r, 500));
      late = (await api.get<{ lateData: typeof late }>('/api/ledger')).body.lateData;
    }
    expect(late).toEqual([{ period: PERIOD, since: '2024-03-20T03:00:00.000Z', hours: expect.any(Number) }]);
    const res = await raw('GET', `/api/billing/periods/${PERIOD}`);
    expect(res.body).toBe(closedBytes);
    expect(res.headers['late-data-since']).toBe('2024-03-20T03:00:00.000Z');
  });

  it('should restate into version 2 with its reason, the late hours rolled, and adjustments equal to v2 − v1; version 1 still answers its bytes', async () => {
    const restated = await raw('POST', `/api/billing/periods/${PERIOD}/restate`, { reason: 'Late memory samples of 20 March, and course namespace assigned' });
    expect(restated.statusCode).toBe(201);
    const v1 = JSON.parse(closedBytes) as BillingPeriodDocument;
    const v2 = restated.json() as BillingPeriodDocument;
    expect({ version: v2.version, reason: v2.reason, restates: v2.restates }).toEqual({
      version: 2,
      reason: 'Late memory samples of 20 March, and course namespace assigned',
      restates: { version: 1, sha256: v1.sha256 },
    });
    const { sha256, ...unsigned } = v2;
    expect(sha256).toBe(sha256Hex(canonicalJson(unsigned)));
    // The adjustments, recomputed from both versions' lines.
    const sums = (doc: BillingPeriodDocument) => {
      const out = new Map<string, { q: Decimal; a: Decimal | null }>();
      for (const i of doc.invoices)
        for (const l of i.lines) {
          const key = `${i.costCentre}|${l.namespace}|${l.resource}`;
          const s = out.get(key) ?? { q: Decimal.ZERO, a: null };
          out.set(key, { q: s.q.plus(Decimal.parse(l.quantity)), a: l.amount === null ? s.a : (s.a ?? Decimal.ZERO).plus(Decimal.parse(l.amount)) });
        }
      return out;
    };
    const [a, b] = [sums(v1), sums(v2)];
    const expected = [...new Set([...a.keys(), ...b.keys()])]
      .map((key) => {
        const q = (b.get(key)?.q ?? Decimal.ZERO).minus(a.get(key)?.q ?? Decimal.ZERO);
        const was = a.get(key)?.a ?? null;
        const now = b.get(key)?.a ?? null;
        const amount = was === null && now === null ? null : (now ?? Decimal.ZERO).minus(was ?? Decimal.ZERO);
        return { key, q, amount };
      })
      .filter((d) => !d.q.isZero() || (d.amount !== null && !d.amount.isZero()))
      .map((d) => [d.key, d.q.toString(), d.amount?.toString() ?? null])
      .sort();
    expect((v2.adjustments ?? []).map((x) => [`${x.costCentre}|${x.namespace}|${x.resource}`, x.quantity, x.amount]).sort()).toEqual(expected);
    // What changed: the newly assigned namespace moved off the unassigned invoice, and the late GiB-hour arrived.
    expect(v2.adjustments?.some((x) => x.costCentre === 'CC-A' && x.namespace === others[0])).toBe(true);
    const lateGib = (doc: BillingPeriodDocument) =>
      Number(linesOf(doc, UNASSIGNED_COST_CENTRE).find((l) => l.namespace === 'late-arrivals' && l.resource === 'memory')?.quantity ?? 0);
    expect(lateGib(v2) - lateGib(v1)).toBeCloseTo(1, 5);

    expect((await raw('GET', `/api/billing/periods/${PERIOD}?version=1`)).body).toBe(closedBytes);
    expect((await raw('GET', `/api/billing/periods/${PERIOD}`)).body).toBe(restated.body);
    expect((await raw('GET', `/api/billing/periods/${PERIOD}?version=3`)).statusCode).toBe(404);
    expect((await api.get<{ lateData: unknown[] }>('/api/ledger')).body.lateData).toEqual([]);
    expect((await raw('POST', `/api/billing/periods/2024-02/restate`, { reason: 'nothing to restate' })).statusCode).toBe(409);
  });

  it('should give a key limited to one namespace the lines of that namespace only', async () => {
    const created = await api.post<{ key: string }>('/api/api-keys', { name: 'lab-reader', scope: 'read', namespaces: [moved] });
    expect(created.status).toBe(201);
    const res = await raw('GET', `/api/billing/periods/${PERIOD}`, undefined, { 'x-api-key': created.body.key });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as BillingPeriodDocument;
    expect(doc.partial).toBe(true);
    expect([...new Set(doc.invoices.flatMap((i) => i.lines.map((l) => l.namespace)))]).toEqual([moved]);
    expect((await raw('POST', `/api/billing/periods/2024-02/close`, undefined, { 'x-api-key': created.body.key })).statusCode).toBe(403);
    expect((await raw('GET', '/api/billing/tariffs', undefined, { 'x-api-key': created.body.key })).statusCode).toBe(403);
  });

  it('should have recorded every change of the terms, the closing, the restatement and the downloads in a verifying audit trail', async () => {
    // Reads are written in the background: moments later.
    const deadline = Date.now() + 10_000;
    let actions: string[] = [];
    while (Date.now() < deadline) {
      const page = await api.get<{ entries: { action: string; actor: string; target: string | null }[] }>('/api/audit?limit=1000');
      actions = page.body.entries.map((e) => e.action);
      if (actions.includes('billing.invoice.pdf')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const action of [
      'billing.tariff.create',
      'billing.cost-centre.create',
      'billing.assignment.create',
      'billing.assignment.import',
      'billing.period.read',
      'billing.period.close',
      'billing.invoices.export',
      'billing.invoice.pdf',
      'billing.period.restate',
      'ledger.reroll',
    ]) {
      expect({ action, recorded: actions.includes(action) }).toEqual({ action, recorded: action !== 'ledger.reroll' });
    }
    expect((await api.get<{ ok: boolean; firstBroken: number | null }>('/api/audit/verify')).body).toMatchObject({ ok: true, firstBroken: null });
  });

  it('should refuse bad periods and versions naming the field, and months that have not ended', async () => {
    for (const [url, message] of [
      ['/api/billing/periods/2024-13', 'period:'],
      ['/api/billing/periods/24-03', 'period:'],
      [`/api/billing/periods/${PERIOD}?version=0`, 'version:'],
      [`/api/billing/periods/${PERIOD}?version=x`, 'version:'],
    ]) {
      const res = await raw('GET', url as string);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 400 });
      expect(res.json().message).toContain(message);
    }
    const future = await raw('POST', '/api/billing/periods/2999-01/close');
    expect(future.statusCode).toBe(409);
    expect(future.json().message).toContain('has not ended');
  });
});
