/**
 * Signing in and out through the login form against the real API (`POST /api/auth/login`):
 * a deep link survives the login, a wrong password is refused, logout forgets the session and has the
 * API revoke its token.
 */
import { callApi } from './support/api-client';
import { byTestId, expectStyled, pathOf, screenshot, visible, waitForUrl, type TestPage } from './support/browser';
import { e2e, SESSION_STORAGE_KEY, users, type StoredSession } from './support/e2e-env';
import { submitLogin } from './support/login-form';
import { useSuiteBrowser } from './support/suite-browser';

describe('login and logout', () => {
  const browser = useSuiteBrowser();

  const storedSession = (page: TestPage['page']) => page.evaluate((key) => localStorage.getItem(key), SESSION_STORAGE_KEY);

  it('sends a signed-out deep link to the login page and back to it after a good password', async () => {
    const t = await browser.open();
    const deepLink = '/web/stats/cpu/usage_rate/cluster-3?range=6h';
    await t.page.goto(deepLink);

    await visible(t.page, 'login-form');
    const login = new URL(t.page.url());
    expect(login.pathname).toBe('/web/login');
    expect(login.searchParams.get('returnUrl')).toBe('/stats/cpu/usage_rate/cluster-3?range=6h');
    await expectStyled(t.page);
    await screenshot(t.page, 'login');

    await submitLogin(t.page, users.admin);

    await waitForUrl(t.page, (url) => url.pathname === '/web/stats/cpu/usage_rate/cluster-3');
    expect(pathOf(t.page)).toBe(deepLink);
    const stats = await visible(t.page, 'stats-page');
    expect(await stats.getAttribute('data-metric')).toBe('cpu/usage_rate');
    expect(await stats.getAttribute('data-namespace')).toBe('cluster-3');
    expect(await (await visible(t.page, 'current-user')).textContent()).toContain(users.admin.username);
    await visible(t.page, 'series-chart');

    const session = JSON.parse((await storedSession(t.page)) ?? 'null') as { accessToken?: string; user?: { username: string } } | null;
    expect(session?.user?.username).toBe(users.admin.username);
    expect(session?.accessToken).toEqual(expect.any(String));
    expect(t.errors).toEqual([]);
  });

  it('refuses a wrong password with a message and keeps the user on the login page', async () => {
    const t = await browser.open();
    await t.page.goto('/web/login');
    await visible(t.page, 'login-form');
    const answer = t.page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await submitLogin(t.page, { username: users.viewer.username, password: `${users.viewer.password}-wrong` });

    expect((await answer).status()).toBe(401);
    const error = await visible(t.page, 'login-error');
    expect((await error.textContent())?.trim()).toBe('Wrong username or password.');
    expect(new URL(t.page.url()).pathname).toBe('/web/login');
    expect(await byTestId(t.page, 'login-password').inputValue()).toBe('');
    expect(await storedSession(t.page)).toBeNull();
    await screenshot(t.page, 'login-wrong-password');
    expect(t.errors).toEqual([]);
  });

  it('sends a user whose token the API refuses to the login page with a notice, and back after signing in', async () => {
    const forged = { ...e2e.viewerSession, accessToken: `${e2e.viewerSession.accessToken.slice(0, -4)}AAAA` };
    const t = await browser.open({ session: forged });
    const refused = t.page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/api/') && r.status() === 401);
    await t.page.goto('/web/usage');
    await refused;
    await visible(t.page, 'login-notice');
    const login = new URL(t.page.url());
    expect(login.pathname).toBe('/web/login');
    expect(login.searchParams.get('reason')).toBe('expired');
    expect(login.searchParams.get('returnUrl')).toBe('/usage');
    expect(await storedSession(t.page)).toBeNull();
    await screenshot(t.page, 'login-session-expired');
    expect(t.errors).toEqual([]);
  });

  it('logs out: back to the login page, the stored session is gone, the API refuses its token and pages need a login again', async () => {
    // Its own user: logout revokes every token of the user, the shared sessions of the other suites too.
    const t = await browser.open();
    await t.page.goto('/web/login');
    await submitLogin(t.page, users.leaver);
    await waitForUrl(t.page, (url) => url.pathname === '/web/');
    await visible(t.page, 'overview-page');
    const session = JSON.parse((await storedSession(t.page)) ?? 'null') as StoredSession | null;
    expect(session?.user.username).toBe(users.leaver.username);
    expect((await callApi(session, '/api/auth/me')).status).toBe(200);

    const revoked = t.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/logout');
    await byTestId(t.page, 'logout-button').click();
    expect((await revoked).status()).toBe(204);
    await waitForUrl(t.page, (url) => url.pathname === '/web/login');
    await visible(t.page, 'login-form');
    expect(await storedSession(t.page)).toBeNull();
    expect((await callApi(session, '/api/auth/me')).status).toBe(401);
    await screenshot(t.page, 'logout');

    await t.page.goto('/web/usage');
    await visible(t.page, 'login-form');
    expect(new URL(t.page.url()).searchParams.get('returnUrl')).toBe('/usage');
    expect(t.errors).toEqual([]);
  });
});
