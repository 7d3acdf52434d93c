/**
 * playwright-core driving Debian's Chromium: one browser per suite file, a new context (fresh
 * storage) per test, the session put into localStorage when a test starts signed in, screenshots
 * as test artifacts, and uncaught page errors collected so a test can fail on them.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { e2e, SESSION_STORAGE_KEY, type StoredSession } from './e2e-env';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = resolve(__dirname, '../../../../test-artifacts/screenshots');
/** How long a single wait for the page may take; well below jest's test timeout, so failures say what was awaited. */
export const UI_TIMEOUT_MS = 20_000;

/**
 * The machine has no network: without these flags Chromium keeps trying to reach Google's services.
 * Playwright gives every launch a fresh temporary profile (--user-data-dir) and removes it on close.
 */
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in the page (`pageerror`) and Content-Security-Policy violations. */
  errors: string[];
  /** Closes the context (and its pages). */
  close(): Promise<void>;
}

export interface PageOptions {
  /** Origin the SPA is loaded from; default the API (which serves /web). */
  baseUrl?: string;
  /** Start signed in with this session (localStorage["km.session"]). */
  session?: StoredSession;
  viewport?: { width: number; height: number };
}

/** A new browser context (UTC, en-US, downloads accepted) with one page. */
export async function openPage(browser: Browser, options: PageOptions = {}): Promise<TestPage> {
  const baseURL = options.baseUrl ?? e2e.apiUrl;
  const context = await browser.newContext({
    baseURL,
    timezoneId: 'UTC',
    locale: 'en-US',
    viewport: options.viewport ?? { width: 1366, height: 900 },
    acceptDownloads: true,
    storageState: options.session
      ? { cookies: [], origins: [{ origin: new URL(baseURL).origin, localStorage: [{ name: SESSION_STORAGE_KEY, value: JSON.stringify(options.session) }] }] }
      : undefined,
  });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
  // A blocked inline handler or script is silent on screen (e.g. an unstyled page): count it as an error.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  return { context, page, errors, close: () => context.close() };
}

export function byTestId(scope: Page | Locator, id: string): Locator {
  return scope.getByTestId(id);
}

/** Waits until the element with this test id is visible and returns it. */
export async function visible(scope: Page | Locator, id: string): Promise<Locator> {
  const locator = byTestId(scope, id).first();
  await locator.waitFor({ state: 'visible' });
  return locator;
}

/** Full-page screenshot to test-artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  // Finite CSS transitions (the sidebar sliding in) are finished first, so the picture shows the end state.
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

/** Path + query of the page, e.g. `/web/stats/cpu/usage_rate?range=6h`. */
export function pathOf(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

/** Waits for the page URL to satisfy `predicate` (router navigations are not page loads). */
export async function waitForUrl(page: Page, predicate: (url: URL) => boolean): Promise<URL> {
  await page.waitForURL((url) => predicate(url));
  return new URL(page.url());
}

/** Every chart on the page: its canvas has an aria-label naming the lines and the period. */
export async function chartLabel(page: Page, testId: 'series-chart' | 'overview-chart'): Promise<string> {
  const canvas = byTestId(page, testId).locator('canvas');
  await canvas.waitFor({ state: 'visible' });
  return (await canvas.getAttribute('aria-label')) ?? '';
}

/** Waits until the chart canvas has been drawn on (some pixel is not transparent). */
export async function waitForChartPainted(page: Page, testId: 'series-chart' | 'overview-chart'): Promise<void> {
  const canvas = byTestId(page, testId).locator('canvas');
  await canvas.waitFor({ state: 'visible' });
  await canvas.evaluate(
    (element) =>
      new Promise<void>((done, fail) => {
        const c = element as HTMLCanvasElement;
        const deadline = performance.now() + 10_000;
        const check = () => {
          const ctx = c.getContext('2d');
          if (ctx && c.width > 0 && c.height > 0) {
            const data = ctx.getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return done();
          }
          if (performance.now() > deadline) return fail(new Error('the chart canvas stayed blank'));
          requestAnimationFrame(check);
        };
        check();
      }),
  );
}

/** Text of every cell of a column (0-based) of the rows with this test id. */
export async function columnTexts(page: Page, rowTestId: string, column: number): Promise<string[]> {
  return byTestId(page, rowTestId).evaluateAll((rows, col) => rows.map((row) => ((row as HTMLTableRowElement).cells[col]?.textContent ?? '').trim()), column);
}

/** The global stylesheet is loaded and applies to the screen (not left as media="print"). */
export async function expectStyled(page: Page): Promise<void> {
  const sheets = await page.evaluate(() =>
    Array.from(document.querySelectorAll('link[rel="stylesheet"]')).map((link) => {
      const l = link as HTMLLinkElement;
      return { href: l.href, media: l.media, rules: l.sheet ? l.sheet.cssRules.length : 0 };
    }),
  );
  expect(sheets.length).toBeGreaterThan(0);
  for (const sheet of sheets) {
    expect(`${sheet.href} media="${sheet.media}"`).not.toMatch(/media="print"/);
    expect(sheet.rules).toBeGreaterThan(0);
  }
}
