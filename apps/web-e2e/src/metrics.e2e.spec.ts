/**
 * The metric pages and the overview against the real API and the simulator's data: charts with data,
 * tables in human units that agree with the API, the seed's namespace URL, and the time range in the
 * URL driving what is loaded.
 */
import type { Page } from 'playwright-core';

import { formatValue, type RawPoint, type SeriesLine, type SeriesResponse } from '@kube-monitoring/contract';

import { callApi, influxPodsOf } from './support/api-client';
import { byTestId, chartLabel, columnTexts, screenshot, visible, waitForChartPainted, waitForUrl } from './support/browser';
import { e2e } from './support/e2e-env';
import { nextResponse } from './support/network';
import { useSuiteBrowser } from './support/suite-browser';

const MAIN = [
  { metric: 'cpu/usage_rate', nav: 'nav-metric-cpu-usage_rate', unit: /^\d+(\.\d+)? cores$/ },
  { metric: 'gpu/usage', nav: 'nav-metric-gpu-usage', unit: /^\d+(\.\d+)? GB$/ },
  { metric: 'memory/usage', nav: 'nav-metric-memory-usage', unit: /^\d+(\.\d+)? (B|KiB|MiB|GiB|TiB)$/ },
  { metric: 'uptime', nav: 'nav-metric-uptime', unit: /^\d+(d \d+h|h \d+m|m \d+s|s)$/ },
] as const;

const HOUR_MS = 3_600_000;

function lastValue(line: SeriesLine): number | null {
  for (let i = line.points.length - 1; i >= 0; i--) {
    const v = line.points[i][1];
    if (v !== null) return v;
  }
  return null;
}

/** Milliseconds between the `from` and `to` fields of a request body. */
function span(sent: Record<string, unknown> | null, from = 'from', to = 'to'): number {
  return Date.parse(String(sent?.[to])) - Date.parse(String(sent?.[from]));
}

function nonNullPoints(series: SeriesResponse): number {
  return series.series.reduce((n, line) => n + line.points.filter(([, v]) => v !== null).length, 0);
}

/** The metric page's chart drawn from a series answer with data, and its table. */
async function expectChartAndTable(page: Page, metric: string): Promise<void> {
  const stats = await visible(page, 'stats-page');
  expect(await stats.getAttribute('data-metric')).toBe(metric);
  expect((await byTestId(page, 'stats-title').textContent())?.trim()).toBe(metric);
  await waitForChartPainted(page, 'series-chart');
  await visible(page, 'points-table');
}

describe('metric pages', () => {
  const browser = useSuiteBrowser();

  it('shows each main metric (sidebar links) as a chart with data and a table of the latest value per namespace', async () => {
    const t = await browser.signedInAs('admin');
    const { seed } = e2e;
    for (const [i, { metric, nav, unit }] of MAIN.entries()) {
      const answer = nextResponse<SeriesResponse>(t.page, `/api/ui/series/${metric}`);
      if (i === 0) await t.page.goto(`/web/stats/${metric}`);
      else await byTestId(t.page, nav).click();
      const { body: series, sent } = await answer;
      await waitForUrl(t.page, (url) => url.pathname === `/web/stats/${metric}`);
      await expectChartAndTable(t.page, metric);

      expect(sent).toMatchObject({ groupBy: 'namespace' });
      expect(sent?.['namespace']).toBeUndefined();
      expect(nonNullPoints(series)).toBeGreaterThan(0);
      const label = await chartLabel(t.page, 'series-chart');
      expect(label).toContain(`from ${series.from} to ${series.to}`);

      // One row per namespace still reporting, value in human units = the API's latest value.
      const names = await columnTexts(t.page, 'points-row', 0);
      const values = await columnTexts(t.page, 'points-row', 2);
      expect(names.length).toBeGreaterThan(0);
      expect(names).not.toContain('kube-system');
      for (const [row, name] of names.entries()) {
        const line = series.series.find((l) => l.label === name);
        expect(line).toBeDefined();
        expect(seed.namespaces).toContain(line?.key['namespace_name']);
        expect(values[row]).toBe(formatValue(lastValue(line as SeriesLine), series.unit));
        expect(values[row]).toMatch(unit);
        expect(label).toContain(name);
      }
      if (metric !== 'gpu/usage') expect(names).toEqual(expect.arrayContaining(['cluster-3', 'default', 'lab-vision']));
      else expect(names).toEqual(expect.arrayContaining(Object.keys(seed.gpuPodsLastHour).sort()));
      await screenshot(t.page, `stats-${metric.replace('/', '-')}`);
    }
    expect(t.errors).toEqual([]);
  });

  it('filters the seed URL /web/stats/gpu/usage/cluster-3 to that namespace (chart by pod, raw points in GB)', async () => {
    const t = await browser.signedInAs('admin');
    const { seed } = e2e;
    const seriesAnswer = nextResponse<SeriesResponse>(t.page, '/api/ui/series/gpu/usage');
    const pointsAnswer = nextResponse<RawPoint[]>(t.page, '/api/ui/gpu/usage');
    await t.page.goto('/web/stats/gpu/usage/cluster-3');
    const [{ body: series, sent: seriesSent }, { body: points, sent: pointsSent }] = await Promise.all([seriesAnswer, pointsAnswer]);
    await expectChartAndTable(t.page, 'gpu/usage');

    const stats = byTestId(t.page, 'stats-page');
    expect(await stats.getAttribute('data-namespace')).toBe('cluster-3');
    expect((await byTestId(t.page, 'stats-namespace').textContent())?.trim()).toBe('cluster-3');
    expect(await byTestId(t.page, 'namespace-select').inputValue()).toBe('cluster-3');
    expect(seriesSent).toMatchObject({ namespace: 'cluster-3', groupBy: 'pod' });
    expect(pointsSent).toMatchObject({ namespace: 'cluster-3', limit: 100 });

    // Only cluster-3's pods, in the chart and in the table; the GPU job of the last hour is there.
    const cluster3Pods = await influxPodsOf('cluster-3', 'gpu/usage');
    const gpuJob = seed.gpuPodsLastHour['cluster-3']?.[0] as string;
    expect(cluster3Pods).toContain(gpuJob);
    expect(series.series.length).toBeGreaterThan(0);
    for (const line of series.series) {
      expect(cluster3Pods).toContain(line.key['pod_name']);
      if ('namespace_name' in line.key) expect(line.key['namespace_name']).toBe('cluster-3');
    }
    const label = await chartLabel(t.page, 'series-chart');
    expect(label).toContain(gpuJob);

    const pods = await columnTexts(t.page, 'points-row', 1);
    const values = await columnTexts(t.page, 'points-row', 5);
    expect(pods.length).toBe(points.length);
    expect(pods.length).toBeGreaterThan(0);
    expect(pods).toContain(gpuJob);
    for (const pod of pods) expect(cluster3Pods).toContain(pod);
    for (const point of points) expect(point['namespace_name']).toBe('cluster-3');
    expect(values).toEqual(points.map((p) => formatValue(p.value, 'megabytes')));
    for (const value of values) expect(value).toMatch(/ GB$/);

    // The page shows what the API answers to the same query.
    const direct = await callApi<RawPoint[]>(e2e.adminSession, '/api/ui/gpu/usage', { body: pointsSent });
    expect(direct.status).toBe(200);
    expect(direct.body.map((p) => [p.time, p.pod_name, p.value])).toEqual(points.map((p) => [p.time, p.pod_name, p.value]));
    await screenshot(t.page, 'stats-gpu-usage-cluster-3');
    expect(t.errors).toEqual([]);
  });

  it("shows the API's 404 for the seed README's unknown metric, and the namespace picker moves between namespace URLs", async () => {
    const t = await browser.signedInAs('admin');
    const unknown = t.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/ui/series/gpu/usage_rate');
    await t.page.goto('/web/stats/gpu/usage_rate/cluster-3');
    expect((await unknown).status()).toBe(404);
    const panel = await visible(t.page, 'stats-unknown-metric');
    expect(await panel.textContent()).toContain('gpu/usage_rate');
    expect(await byTestId(t.page, 'series-chart').count()).toBe(0);
    await screenshot(t.page, 'stats-unknown-metric');

    await t.page.goto('/web/stats/memory/usage/cluster-3?range=6h');
    await expectChartAndTable(t.page, 'memory/usage');
    const moved = nextResponse<SeriesResponse>(t.page, '/api/ui/series/memory/usage', (sent) => sent?.['namespace'] === 'lab-vision');
    await byTestId(t.page, 'namespace-select').selectOption('lab-vision');
    const url = await waitForUrl(t.page, (u) => u.pathname === '/web/stats/memory/usage/lab-vision');
    expect(url.searchParams.get('range')).toBe('6h');
    const { body } = await moved;
    const labVisionPods = await influxPodsOf('lab-vision', 'memory/usage');
    expect(body.series.length).toBeGreaterThan(0);
    for (const line of body.series) {
      expect(labVisionPods).toContain(line.key['pod_name']);
      if ('namespace_name' in line.key) expect(line.key['namespace_name']).toBe('lab-vision');
    }
    await expectChartAndTable(t.page, 'memory/usage');
    expect(await byTestId(t.page, 'stats-page').getAttribute('data-namespace')).toBe('lab-vision');

    await byTestId(t.page, 'namespace-select').selectOption('');
    await waitForUrl(t.page, (u) => u.pathname === '/web/stats/memory/usage');
    await expectChartAndTable(t.page, 'memory/usage');
    expect(t.errors).toEqual([]);
  });

  it('hides the sidebar on a narrow screen behind a toggle that Escape and navigation close', async () => {
    const t = await browser.signedInAs('admin', { viewport: { width: 600, height: 900 } });
    await t.page.goto('/web/stats/cpu/usage_rate');
    await expectChartAndTable(t.page, 'cpu/usage_rate');
    const sidebar = byTestId(t.page, 'sidebar');
    const toggle = byTestId(t.page, 'sidebar-toggle');
    await sidebar.waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await screenshot(t.page, 'narrow-stats');

    await toggle.click();
    await sidebar.waitFor({ state: 'visible' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await screenshot(t.page, 'narrow-sidebar-open');
    await t.page.keyboard.press('Escape');
    await sidebar.waitFor({ state: 'hidden' });

    await toggle.click();
    await byTestId(t.page, 'nav-usage').click();
    await waitForUrl(t.page, (u) => u.pathname === '/web/usage');
    await sidebar.waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(t.errors).toEqual([]);
  });

  it('changes the time range: the URL, the query and the chart follow, and a reload restores it', async () => {
    const t = await browser.signedInAs('admin');
    const path = '/web/stats/cpu/usage_rate/cluster-3';
    const first = nextResponse<SeriesResponse>(t.page, '/api/ui/series/cpu/usage_rate');
    await t.page.goto(path);
    const { body: hour, sent: hourSent } = await first;
    await expectChartAndTable(t.page, 'cpu/usage_rate');
    expect(await byTestId(t.page, 'range-select').inputValue()).toBe('1h');
    expect(span(hourSent)).toBe(HOUR_MS);
    const hourLabel = await chartLabel(t.page, 'series-chart');

    // A preset.
    // Matched on the range asked for, so an auto-refresh of the previous range cannot be taken for it.
    const sixAnswer = nextResponse<SeriesResponse>(t.page, '/api/ui/series/cpu/usage_rate', (sent) => span(sent) === 6 * HOUR_MS);
    const sixPoints = nextResponse<RawPoint[]>(t.page, '/api/ui/cpu/usage_rate', (sent) => span(sent, 'timeBeginInterval', 'timeEndInterval') === 6 * HOUR_MS);
    await byTestId(t.page, 'range-select').selectOption('6h');
    const url = await waitForUrl(t.page, (u) => u.searchParams.get('range') === '6h');
    expect(url.pathname).toBe(path);
    const [{ body: six, sent: sixSent }, { sent: sixPointsSent }] = await Promise.all([sixAnswer, sixPoints]);
    expect(span(sixSent)).toBe(6 * HOUR_MS);
    expect(span(sixPointsSent, 'timeBeginInterval', 'timeEndInterval')).toBe(6 * HOUR_MS);
    expect(Math.abs(Date.parse(six.to) - Date.parse(six.from) - 6 * HOUR_MS)).toBeLessThanOrEqual(2 * six.step_seconds * 1000);
    expect(nonNullPoints(six)).toBeGreaterThan(nonNullPoints(hour));
    await t.page.waitForFunction((previous) => document.querySelector('[data-testid="series-chart"] canvas')?.getAttribute('aria-label') !== previous, hourLabel);
    expect(await chartLabel(t.page, 'series-chart')).toContain(`from ${six.from} to ${six.to}`);

    // The URL alone restores the view.
    const again = nextResponse<SeriesResponse>(t.page, '/api/ui/series/cpu/usage_rate');
    await t.page.reload();
    const { sent: reloadedSent } = await again;
    await expectChartAndTable(t.page, 'cpu/usage_rate');
    expect(await byTestId(t.page, 'range-select').inputValue()).toBe('6h');
    expect(span(reloadedSent)).toBe(6 * HOUR_MS);

    // Custom bounds (the browser runs in UTC, so the local inputs are UTC).
    const end = new Date(Math.floor(Date.parse(e2e.seed.to) / 60_000) * 60_000 - HOUR_MS);
    const start = new Date(end.getTime() - 3 * HOUR_MS);
    const local = (d: Date) => d.toISOString().slice(0, 16);
    await byTestId(t.page, 'range-select').selectOption('custom');
    await visible(t.page, 'range-custom-form');
    await byTestId(t.page, 'range-from').fill(local(start));
    await byTestId(t.page, 'range-to').fill(local(end));
    const customAnswer = nextResponse<SeriesResponse>(t.page, '/api/ui/series/cpu/usage_rate', (sent) => sent?.['from'] === start.toISOString());
    await byTestId(t.page, 'range-apply').click();
    const custom = await waitForUrl(t.page, (u) => u.searchParams.get('range') === 'custom');
    expect(Date.parse(custom.searchParams.get('from') ?? '')).toBe(start.getTime());
    expect(Date.parse(custom.searchParams.get('to') ?? '')).toBe(end.getTime());
    const { body: customSeries, sent: customSent } = await customAnswer;
    expect(Date.parse(String(customSent?.['from']))).toBe(start.getTime());
    expect(Date.parse(String(customSent?.['to']))).toBe(end.getTime());
    await t.page.waitForFunction((from) => document.querySelector('[data-testid="series-chart"] canvas')?.getAttribute('aria-label')?.includes(from) ?? false, customSeries.from);
    await screenshot(t.page, 'stats-custom-range');
    expect(t.errors).toEqual([]);
  });

  it('shows the overview: totals now in human units, top namespaces linking to their page, a stacked chart', async () => {
    const t = await browser.signedInAs('admin');
    await t.page.goto('/web/');
    await visible(t.page, 'overview-page');
    await waitForChartPainted(t.page, 'overview-chart');
    await visible(t.page, 'top-namespace-row');

    const total = async (id: string) => (await visible(t.page, id)).evaluate((el) => el.querySelector('dd')?.textContent?.trim() ?? '');
    await t.page.waitForFunction(() => ['total-cpu', 'total-memory', 'total-gpu'].every((id) => /\d/.test(document.querySelector(`[data-testid="${id}"] dd`)?.textContent ?? '')));
    expect(await total('total-cpu')).toMatch(/^\d+(\.\d+)? cores$/);
    expect(await total('total-memory')).toMatch(/^\d+(\.\d+)? GiB$/);
    expect(await total('total-gpu')).toMatch(/^\d+(\.\d+)? GB$/);

    const names = await byTestId(t.page, 'top-namespace-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
    expect(names).toEqual(expect.arrayContaining(['cluster-3', 'default', 'lab-vision']));
    expect(names).not.toContain('kube-system');
    await screenshot(t.page, 'overview');

    const gpuChart = nextResponse<SeriesResponse>(t.page, '/api/ui/series/gpu/usage', (sent) => sent?.['step'] === undefined);
    await byTestId(t.page, 'chart-metric-select').selectOption('gpu');
    await waitForUrl(t.page, (u) => u.searchParams.get('chart') === 'gpu');
    const { body: gpu } = await gpuChart;
    expect(nonNullPoints(gpu)).toBeGreaterThan(0);
    await t.page.waitForFunction(() => /GPU memory stacked/.test(document.querySelector('[data-testid="overview-chart"] canvas')?.getAttribute('aria-label') ?? ''));

    await t.page.locator('[data-testid="top-namespace-row"][data-name="cluster-3"] a').click();
    await waitForUrl(t.page, (u) => u.pathname === '/web/stats/gpu/usage/cluster-3');
    await visible(t.page, 'stats-page');
    expect(t.errors).toEqual([]);
  });
});
