/**
 * The usage report page against `POST /api/ui/usage`: every figure on the page is the API's,
 * the drill-down shows the namespace's pods, and the CSV files are the API's CSV byte for byte.
 */
import type { UsageReport } from '@kube-monitoring/contract';

import { callApi } from './support/api-client';
import { byTestId, columnTexts, screenshot, visible, waitForUrl } from './support/browser';
import { e2e } from './support/e2e-env';
import { nextResponse } from './support/network';
import { useSuiteBrowser } from './support/suite-browser';
import { csvRows, download, hoursFormat, seededPeriod, thisMonth } from './support/usage';

const fmt = (n: number) => hoursFormat.format(n);

describe('usage report', () => {
  const browser = useSuiteBrowser();

  it('shows per-namespace rows and totals equal to the API report for a period in the URL', async () => {
    const period = seededPeriod(e2e.seed);
    const api = await callApi<UsageReport>(e2e.adminSession, '/api/ui/usage', { body: { from: period.from, to: period.to, groupBy: 'namespace' } });
    expect(api.status).toBe(200);
    const report = api.body;
    expect(report.rows.length).toBeGreaterThan(0);

    const t = await browser.signedInAs('admin');
    const pageReport = nextResponse<UsageReport>(t.page, '/api/ui/usage');
    await t.page.goto(`/web/usage?period=custom&from=${period.from}&to=${period.to}`);
    const { sent } = await pageReport;
    expect(sent).toEqual({ from: period.from, to: period.to, groupBy: 'namespace' });
    await visible(t.page, 'usage-table');

    expect((await byTestId(t.page, 'period-summary').textContent())?.replace(/\s+/g, ' ').trim()).toBe(`${period.from} 00:00 UTC → ${period.to} 00:00 UTC (${period.days} days)`);
    expect(await byTestId(t.page, 'period-select').inputValue()).toBe('custom');

    const expected = [...report.rows].sort((a, b) => (a.namespace_name ?? '').localeCompare(b.namespace_name ?? ''));
    const namespaces = await byTestId(t.page, 'usage-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-namespace')));
    expect(namespaces).toEqual(expected.map((r) => r.namespace_name));
    expect(namespaces).not.toContain('kube-system');
    expect(namespaces).toEqual(expect.arrayContaining(['cluster-3', 'default', 'lab-vision']));
    expect(await columnTexts(t.page, 'usage-row', 1)).toEqual(expected.map((r) => fmt(r.cpu_core_hours)));
    expect(await columnTexts(t.page, 'usage-row', 2)).toEqual(expected.map((r) => fmt(r.memory_gib_hours)));
    expect(await columnTexts(t.page, 'usage-row', 3)).toEqual(expected.map((r) => fmt(r.gpu_memory_gb_hours)));

    const totals = await byTestId(t.page, 'usage-totals').evaluate((row) => Array.from((row as HTMLTableRowElement).cells).map((c) => (c.textContent ?? '').trim()));
    expect(totals.slice(0, 4)).toEqual(['Total', fmt(report.totals.cpu_core_hours), fmt(report.totals.memory_gib_hours), fmt(report.totals.gpu_memory_gb_hours)]);
    // The API's totals are the sum of its rows, each rounded to six decimals: half a millionth per row apart at most.
    const sum = (pick: (r: (typeof expected)[number]) => number) => expected.reduce((s, r) => s + pick(r), 0);
    const rounding = expected.length * 5e-7 + 1e-9;
    expect(Math.abs(report.totals.cpu_core_hours - sum((r) => r.cpu_core_hours))).toBeLessThanOrEqual(rounding);
    expect(Math.abs(report.totals.memory_gib_hours - sum((r) => r.memory_gib_hours))).toBeLessThanOrEqual(rounding);
    expect(Math.abs(report.totals.gpu_memory_gb_hours - sum((r) => r.gpu_memory_gb_hours))).toBeLessThanOrEqual(rounding);
    expect(report.totals.gpu_memory_gb_hours).toBeGreaterThan(0);
    await screenshot(t.page, 'usage');
    expect(t.errors).toEqual([]);
  });

  it('drills down to the pods of a namespace and downloads both CSV files exactly as the API sends them', async () => {
    const period = seededPeriod(e2e.seed);
    const ns = 'lab-vision';
    const t = await browser.signedInAs('admin');
    await t.page.goto(`/web/usage?period=custom&from=${period.from}&to=${period.to}`);
    await visible(t.page, 'usage-table');

    const podsAnswer = nextResponse<UsageReport>(t.page, '/api/ui/usage', (sent) => sent?.['groupBy'] === 'pod');
    await t.page.locator(`[data-testid="usage-row"][data-namespace="${ns}"] [data-testid="usage-drilldown"]`).click();
    await waitForUrl(t.page, (u) => u.searchParams.get('pods') === ns);
    const { sent, body: pods } = await podsAnswer;
    expect(sent).toEqual({ from: period.from, to: period.to, groupBy: 'pod', namespaces: [ns] });
    await visible(t.page, 'pods-table');
    const shownPods = await byTestId(t.page, 'pod-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pod')));
    expect(shownPods.length).toBeGreaterThan(0);
    expect(shownPods).toEqual(pods.rows.map((r) => r.pod_name).sort((a, b) => (a ?? '').localeCompare(b ?? '')));
    for (const row of pods.rows) expect(row.namespace_name).toBe(ns);
    expect(shownPods).toEqual(expect.arrayContaining(e2e.seed.podsLastHour[ns] ?? []));

    const nsCsv = await callApi<string>(e2e.adminSession, '/api/ui/usage', { body: { from: period.from, to: period.to, groupBy: 'namespace' }, accept: 'text/csv' });
    expect(nsCsv.status).toBe(200);
    expect(nsCsv.contentType).toMatch(/^text\/csv/);
    const nsFile = await download(t.page, byTestId(t.page, 'usage-csv'));
    expect(nsFile.filename).toBe(`usage-namespaces-${period.from}_${period.to}.csv`);
    expect(nsFile.text).toBe(nsCsv.text);
    expect(csvRows(nsFile.text).map((r) => r['namespace'])).toEqual(expect.arrayContaining(['cluster-3', 'default', ns]));

    const podCsv = await callApi<string>(e2e.adminSession, '/api/ui/usage', {
      body: { from: period.from, to: period.to, groupBy: 'pod', namespaces: [ns] },
      accept: 'text/csv',
    });
    expect(podCsv.status).toBe(200);
    const podFile = await download(t.page, byTestId(t.page, 'pods-csv'));
    expect(podFile.filename).toBe(`usage-${ns}-pods-${period.from}_${period.to}.csv`);
    expect(podFile.text).toBe(podCsv.text);
    expect(csvRows(podFile.text).length).toBe(pods.rows.length);
    await screenshot(t.page, 'usage-pods');

    await byTestId(t.page, 'pods-close').click();
    await waitForUrl(t.page, (u) => !u.searchParams.has('pods'));
    await byTestId(t.page, 'pods-section').waitFor({ state: 'detached' });
    expect(t.errors).toEqual([]);
  });

  it('opens on this month so far by default (where a new cluster has its data) and shows what the API reports for it', async () => {
    const month = thisMonth();
    const t = await browser.signedInAs('admin');
    const pageReport = nextResponse<UsageReport>(t.page, '/api/ui/usage');
    await t.page.goto('/web/usage');
    const { sent, body } = await pageReport;
    expect(sent).toEqual({ from: month.from, to: month.to, groupBy: 'namespace' });
    expect(await byTestId(t.page, 'period-select').inputValue()).toBe('this-month');
    expect(await byTestId(t.page, 'period-summary').textContent()).toContain(`${month.from} 00:00 UTC → ${month.to} 00:00 UTC`);
    if (body.rows.length === 0) {
      expect(await (await visible(t.page, 'state-empty')).textContent()).toContain('No usage recorded in this period.');
    } else {
      await visible(t.page, 'usage-table');
      expect(await byTestId(t.page, 'usage-row').count()).toBe(body.rows.length);
    }
    await screenshot(t.page, 'usage-this-month');
    expect(t.errors).toEqual([]);
  });
});
