/**
 * The SPA as nginx serves it at /web/: redirects, index.html for deep links without caching, the
 * security headers and a CSP that allows index.html's inline handlers, content-hashed assets cached
 * for a year and gzipped, 404 for a missing asset, /healthz.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { Checklist } from '../lib/checklist';
import { expect } from './expect';
import { header, req } from './http';
import { findHashedAsset } from './stub-spa';

/** `web`: nginx's base URL; `spa`: the SPA it serves (a directory holding index.html). */
export async function spaChecks(checks: Checklist, web: string, spa: string): Promise<void> {
  const indexHtml = readFileSync(join(spa, 'index.html'));

  await checks.check('/ redirects to /web/', async () => {
    const r = await req(web, '/');
    expect(r.status === 302, `status ${r.status}`);
    expect(header(r, 'location') === '/web/', `Location "${header(r, 'location')}"`);
  });

  await checks.check('/web redirects to /web/', async () => {
    const r = await req(web, '/web');
    expect(r.status === 301 && header(r, 'location') === '/web/', `status ${r.status}, Location "${header(r, 'location')}"`);
  });

  await checks.check('/web/ serves index.html, not cached, with security headers', async () => {
    const r = await req(web, '/web/');
    expect(r.status === 200, `status ${r.status}`);
    expect(r.body.equals(indexHtml), 'body differs from index.html');
    expect(header(r, 'content-type').startsWith('text/html'), `content-type ${header(r, 'content-type')}`);
    expect(header(r, 'cache-control') === 'no-cache', `cache-control "${header(r, 'cache-control')}"`);
    expect(header(r, 'x-content-type-options') === 'nosniff', 'no X-Content-Type-Options: nosniff');
    expect(header(r, 'x-frame-options') === 'DENY', 'no X-Frame-Options: DENY');
    expect(header(r, 'content-security-policy').includes("default-src 'self'"), 'no Content-Security-Policy');
  });

  await checks.check('deep link /web/stats/cpu/usage_rate/cluster-3 serves index.html', async () => {
    const r = await req(web, '/web/stats/cpu/usage_rate/cluster-3');
    expect(r.status === 200, `status ${r.status}`);
    expect(r.body.equals(indexHtml), 'body differs from index.html');
    expect(header(r, 'cache-control') === 'no-cache', `cache-control "${header(r, 'cache-control')}"`);
  });

  await checks.check('index.html is built for /web/ (base href) so deep links load their assets', () => {
    const m = /<base\s+href="([^"]*)"/i.exec(indexHtml.toString('utf8'));
    expect(m?.[1] === '/web/', `base href is ${m ? `"${m[1]}"` : 'missing'}; build with \`nx build web --base-href=/web/\``);
  });

  await checks.check("the CSP allows every inline event handler in index.html (Angular's stylesheet loader)", async () => {
    const r = await req(web, '/web/');
    const csp = header(r, 'content-security-policy');
    const handlers = [...indexHtml.toString('utf8').matchAll(/\son\w+="([^"]*)"/g)].map((m) => m[1].replace(/&#39;|&apos;/g, "'"));
    for (const h of handlers) {
      const hash = `'sha256-${createHash('sha256').update(h).digest('base64')}'`;
      expect(csp.includes(hash), `inline handler ${JSON.stringify(h)} (${hash}) is not allowed by the CSP`);
    }
  });

  const asset = findHashedAsset(spa);
  await checks.check('a content-hashed asset is served with a one-year immutable cache and gzip', async () => {
    expect(asset, 'no file named like name-HASH8.js/css in the SPA');
    const r = await req(web, `/web/${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(r.status === 200, `status ${r.status}`);
    const cc = header(r, 'cache-control');
    expect(cc.includes('max-age=31536000') && cc.includes('immutable'), `cache-control "${cc}"`);
    expect(/javascript|css/.test(header(r, 'content-type')), `content-type ${header(r, 'content-type')}`);
    if (statSync(join(spa, asset)).size >= 1024) expect(header(r, 'content-encoding') === 'gzip', 'not gzip-compressed');
  });

  await checks.check('a missing asset is a 404, not index.html', async () => {
    const r = await req(web, '/web/missing-ZZZZ9999.js');
    expect(r.status === 404, `status ${r.status}`);
  });

  await checks.check('/healthz answers 200', async () => {
    const r = await req(web, '/healthz');
    expect(r.status === 200, `status ${r.status}`);
  });
}
