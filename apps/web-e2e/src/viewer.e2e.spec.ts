/**
 * A viewer limited to one namespace (lab-vision) never sees another one: not on any page, not by
 * typing another namespace into the URL, and not in anything the API sends to the browser (every
 * JSON and CSV answer under /api is checked).
 */
import type { Page } from 'playwright-core';

import { byTestId, columnTexts, screenshot, visible, waitForUrl } from './support/browser';
import { e2e, users } from './support/e2e-env';
import { useSuiteBrowser } from './support/suite-browser';
import { csvRows, download, seededPeriod } from './support/usage';

const ALLOWED = users.viewer.namespace;

interface Seen {
  url: string;
  status: number;
  text: string;
  contentType: string;
}

/** Records every answer of the API to the page. */
function recordApi(page: Page): () => Promise<Seen[]> {
  const pending: Promise<Seen | null>[] = [];
  page.on('response', (r) => {
    if (!new URL(r.url()).pathname.startsWith('/api/')) return;
    pending.push(
      r
        .text()
        .then((text) => ({ url: r.url(), status: r.status(), text, contentType: r.headers()['content-type'] ?? '' }))
        .catch(() => null),
    );
  });
  return async () => (await Promise.all(pending)).filter((s): s is Seen => s !== null);
}

/** Every namespace named in a JSON value (`namespace_name`, `namespace`, `namespaces`, at any depth). */
function namespacesIn(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => namespacesIn(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'namespace_name' || key === 'namespace') && typeof v === 'string') found.add(v);
      else if (key === 'namespaces' && Array.isArray(v)) v.forEach((ns) => typeof ns === 'string' && found.add(ns));
      else namespacesIn(v, found);
    }
  }
  return found;
}

function expectOnlyAllowed(seen: Seen[]): void {
  expect(seen.length).toBeGreaterThan(0);
  for (const answer of seen) {
    let named: Set<string>;
    if (answer.contentType.includes('json')) named = namespacesIn(JSON.parse(answer.text));
    else if (answer.contentType.includes('csv')) named = new Set(csvRows(answer.text).map((r) => r['namespace']));
    else continue;
    for (const ns of named) {
      if (ns !== ALLOWED) throw new Error(`${answer.url} (${answer.status}) sent namespace "${ns}" to a viewer of ${ALLOWED}`);
    }
  }
}

describe(`a viewer limited to ${ALLOWED}`, () => {
  const browser = useSuiteBrowser();

  it('sees only its namespace on the overview, the metric pages and the usage report', async () => {
    const t = await browser.signedInAs('viewer');
    const seen = recordApi(t.page);

    await t.page.goto('/web/');
    await visible(t.page, 'overview-page');
    await visible(t.page, 'top-namespace-row');
    await visible(t.page, 'overview-chart');
    expect(await byTestId(t.page, 'top-namespace-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')))).toEqual([ALLOWED]);
    await t.page.waitForFunction(() => document.querySelectorAll('[data-testid="namespace-select"] option').length > 1);
    expect(
      await byTestId(t.page, 'namespace-select')
        .locator('option')
        .evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value)),
    ).toEqual(['', ALLOWED]);
    expect(await byTestId(t.page, 'current-user').textContent()).toContain(users.viewer.username);
    expect(await byTestId(t.page, 'nav-users').count()).toBe(0);
    await screenshot(t.page, 'viewer-overview');

    await byTestId(t.page, 'nav-metric-cpu-usage_rate').click();
    await waitForUrl(t.page, (u) => u.pathname === '/web/stats/cpu/usage_rate');
    await visible(t.page, 'series-chart');
    await visible(t.page, 'points-table');
    expect(await columnTexts(t.page, 'points-row', 0)).toEqual([ALLOWED]);
    await screenshot(t.page, 'viewer-stats');

    const period = seededPeriod(e2e.seed);
    await t.page.goto(`/web/usage?period=custom&from=${period.from}&to=${period.to}`);
    await visible(t.page, 'usage-table');
    expect(await byTestId(t.page, 'usage-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-namespace')))).toEqual([ALLOWED]);
    const row = await columnTexts(t.page, 'usage-row', 1);
    const total = await byTestId(t.page, 'usage-totals').evaluate((r) => ((r as HTMLTableRowElement).cells[1]?.textContent ?? '').trim());
    expect(total).toBe(row[0]);
    const csv = await download(t.page, byTestId(t.page, 'usage-csv'));
    expect(csvRows(csv.text).map((r) => r['namespace'])).toEqual([ALLOWED]);
    await screenshot(t.page, 'viewer-usage');

    expectOnlyAllowed(await seen());
    expect(t.errors).toEqual([]);
  });

  it('is refused other namespaces typed into the URL, and the users page sends it to the overview', async () => {
    const t = await browser.signedInAs('viewer');
    const seen = recordApi(t.page);

    const refused = t.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/ui/series/cpu/usage_rate');
    await t.page.goto('/web/stats/cpu/usage_rate/cluster-3');
    expect((await refused).status()).toBe(403);
    const error = await visible(t.page, 'state-error');
    expect(await error.textContent()).toContain('Access denied');
    expect(await byTestId(t.page, 'series-chart').count()).toBe(0);
    expect(await byTestId(t.page, 'points-row').count()).toBe(0);
    await screenshot(t.page, 'viewer-forbidden-namespace');

    await t.page.goto('/web/?ns=cluster-3');
    await visible(t.page, 'overview-page');
    expect(await (await visible(t.page, 'state-error')).textContent()).toContain('Access denied');
    expect(await byTestId(t.page, 'top-namespace-row').count()).toBe(0);
    expect(await byTestId(t.page, 'overview-chart').count()).toBe(0);

    const period = seededPeriod(e2e.seed);
    await t.page.goto(`/web/usage?period=custom&from=${period.from}&to=${period.to}&pods=cluster-3`);
    const pods = await visible(t.page, 'pods-section');
    expect(await (await visible(pods, 'state-error')).textContent()).toContain('Access denied');
    expect(await byTestId(t.page, 'pod-row').count()).toBe(0);
    await visible(t.page, 'usage-table');
    expect(await byTestId(t.page, 'usage-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-namespace')))).toEqual([ALLOWED]);

    await t.page.goto('/web/users');
    await waitForUrl(t.page, (u) => u.pathname === '/web/');
    await visible(t.page, 'overview-page');
    expect(await byTestId(t.page, 'users-page').count()).toBe(0);

    expectOnlyAllowed(await seen());
    expect(t.errors).toEqual([]);
  });
});
