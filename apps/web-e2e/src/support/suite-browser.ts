/**
 * The browser of a suite file: one Chromium for the file, a fresh page (context) per test, opened
 * signed out or already signed in, and closed after the test even when the test fails.
 */
import type { Browser } from 'playwright-core';

import { launchBrowser, openPage, type PageOptions, type TestPage } from './browser';
import { e2e } from './e2e-env';

export interface SuiteBrowser {
  /** A new page, signed out unless `options.session` says otherwise. */
  open(options?: PageOptions): Promise<TestPage>;
  /**
   * A new page already signed in as the global setup's admin or viewer: its session is put into
   * localStorage, because login is throttled per client and only the login flows use the form.
   */
  signedInAs(user: 'admin' | 'viewer', options?: Omit<PageOptions, 'session'>): Promise<TestPage>;
}

/** Registers the suite's hooks (launch before the first test, close after each test and the last): call inside `describe`. */
export function useSuiteBrowser(): SuiteBrowser {
  let browser: Browser | undefined;
  let opened: TestPage[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    const pages = opened;
    opened = [];
    for (const page of pages) await page.close();
  });

  const open = async (options?: PageOptions): Promise<TestPage> => {
    if (!browser) throw new Error('the suite browser is launched in beforeAll: open pages inside a test');
    const page = await openPage(browser, options);
    opened.push(page);
    return page;
  };
  return {
    open,
    signedInAs: (user, options) => open({ ...options, session: user === 'admin' ? e2e.adminSession : e2e.viewerSession }),
  };
}
