/**
 * The dashboard deployed on its own (Dockerfile.web): Debian's nginx with deploy/web's configuration
 * in front of the real API. tools/test-nginx.ts checks the configuration over HTTP (deep links,
 * caching, headers, proxying); the browser then proves the SPA works through it end to end, under
 * the configuration's Content-Security-Policy.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

import type { SeriesResponse } from '@kube-monitoring/contract';
import { startNginx, type NginxHandle } from '@kube-monitoring/testing';

import { expectStyled, screenshot, visible, waitForChartPainted, waitForUrl } from './support/browser';
import { e2e, service, users } from './support/e2e-env';
import { submitLogin } from './support/login-form';
import { nextResponse } from './support/network';
import { useSuiteBrowser } from './support/suite-browser';

const ROOT = resolve(__dirname, '../../..');

describe('the SPA behind nginx (the web image configuration)', () => {
  let nginx: NginxHandle;

  // Hooks run in the order declared: nginx starts before the browser and stops after it.
  beforeAll(async () => {
    nginx = await startNginx({ api: e2e.apiUrl, spa: join(ROOT, 'dist/apps/web/browser') });
  });
  const browser = useSuiteBrowser();
  afterAll(async () => {
    await nginx?.stop();
  });

  it('passes tools/test-nginx.ts with the built SPA in front of the real API', () => {
    const r = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['tools/test-nginx.ts', '--api', e2e.apiUrl, '--web', 'dist/apps/web/browser', '--username', service.username, '--password', service.password],
      { cwd: ROOT, encoding: 'utf8', timeout: 50_000, env: { PATH: process.env['PATH'] ?? '' } },
    );
    const output = `${r.stdout}${r.stderr}`;
    const summary = /^(\d+) passed, (\d+) failed$/m.exec(output);
    if (r.status !== 0 || !summary || summary[2] !== '0') throw new Error(`tools/test-nginx.ts failed (exit ${r.status}):\n${output}`);
    expect(Number(summary[1])).toBeGreaterThan(10);
    expect(output).not.toMatch(/stand-in|stub API/);
  });

  it('loads /web/ through nginx, signs in through the proxied API and draws a chart', async () => {
    const t = await browser.open({ baseUrl: nginx.url });
    const requests: string[] = [];
    const cspViolations: string[] = [];
    t.page.on('request', (r) => requests.push(r.url()));
    t.page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });

    await t.page.goto('/web/');
    await visible(t.page, 'login-form');
    await submitLogin(t.page, users.admin);
    await waitForUrl(t.page, (u) => u.pathname === '/web/');
    await visible(t.page, 'overview-page');

    // A deep link, loaded by nginx's fallback to index.html.
    const series = nextResponse<SeriesResponse>(t.page, '/api/ui/series/cpu/usage_rate', (sent) => sent?.['namespace'] === 'cluster-3');
    await t.page.goto('/web/stats/cpu/usage_rate/cluster-3');
    const { response, body } = await series;
    expect(response.status()).toBe(200);
    expect(body.series.length).toBeGreaterThan(0);
    await waitForChartPainted(t.page, 'series-chart');
    await visible(t.page, 'points-row');
    await expectStyled(t.page);
    await screenshot(t.page, 'nginx-stats-cpu-usage_rate-cluster-3');

    const origins = new Set(requests.filter((u) => u.startsWith('http')).map((u) => new URL(u).origin));
    expect([...origins]).toEqual([nginx.url]);
    expect(requests.some((u) => u.endsWith('/api/auth/login'))).toBe(true);
    expect(cspViolations).toEqual([]);
    expect(t.errors).toEqual([]);
    expect(nginx.log()).not.toMatch(/\[(error|crit|alert|emerg)\]/);
  });
});
