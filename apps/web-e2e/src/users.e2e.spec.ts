/**
 * User administration through the users page against the real `/api/users`: an admin creates a
 * viewer limited to one namespace, who can then sign in and sees only that namespace; editing and
 * deleting reach the API.
 */
import type { UserView } from '@kube-monitoring/contract';

import { callApi } from './support/api-client';
import { byTestId, screenshot, visible, waitForUrl, type TestPage } from './support/browser';
import { e2e, users } from './support/e2e-env';
import { submitLogin } from './support/login-form';
import { useSuiteBrowser } from './support/suite-browser';

const carol = { username: 'e2e-carol', email: 'carol@example.org', password: 'Carol-e2e-Passw0rd', namespace: 'cluster-3' };

describe('user administration', () => {
  const browser = useSuiteBrowser();

  const row = (page: TestPage['page'], username: string) => page.locator(`[data-testid="user-row"][data-username="${username}"]`);

  it('lets an admin create a viewer of one namespace, who can then sign in and sees only that namespace', async () => {
    let t = await browser.signedInAs('admin');
    await t.page.goto('/web/users');
    await visible(t.page, 'users-table');
    expect((await row(t.page, users.admin.username).getByTestId('user-role').textContent())?.trim()).toBe('admin');
    expect((await row(t.page, users.viewer.username).getByTestId('user-namespaces').textContent())?.trim()).toBe(users.viewer.namespace);
    await screenshot(t.page, 'users');

    await byTestId(t.page, 'user-create-username').fill(carol.username);
    await byTestId(t.page, 'user-create-email').fill(carol.email);
    await byTestId(t.page, 'user-create-role').selectOption('viewer');
    await byTestId(t.page, 'user-create-namespaces').fill(carol.namespace);

    // The form applies the API's password length before sending anything.
    let posted = 0;
    t.page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/users') posted++;
    });
    await byTestId(t.page, 'user-create-password').fill('Sh0rt-pw');
    await byTestId(t.page, 'user-create-submit').click();
    await t.page.getByText('At least 10 characters.').waitFor();
    expect(posted).toBe(0);

    await byTestId(t.page, 'user-create-password').fill(carol.password);
    const created = t.page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/users');
    await byTestId(t.page, 'user-create-submit').click();
    expect((await created).status()).toBe(201);
    expect((await (await visible(t.page, 'users-message')).textContent())?.trim()).toBe(`User ${carol.username} created.`);
    await row(t.page, carol.username).waitFor();
    expect((await row(t.page, carol.username).getByTestId('user-role').textContent())?.trim()).toBe('viewer');
    expect((await row(t.page, carol.username).getByTestId('user-namespaces').textContent())?.trim()).toBe(carol.namespace);

    const listed = await callApi<UserView[]>(e2e.adminSession, '/api/users');
    expect(listed.body.find((u) => u.username === carol.username)).toMatchObject({ role: 'viewer', namespaces: [carol.namespace], email: carol.email });
    expect(t.errors).toEqual([]);
    await t.close();

    // The new user signs in through the form.
    t = await browser.open();
    await t.page.goto('/web/login');
    await submitLogin(t.page, carol);
    await waitForUrl(t.page, (u) => u.pathname === '/web/');
    await visible(t.page, 'overview-page');
    expect(await byTestId(t.page, 'current-user').textContent()).toContain(carol.username);
    expect(await byTestId(t.page, 'nav-users').count()).toBe(0);
    await visible(t.page, 'top-namespace-row');
    expect(await byTestId(t.page, 'top-namespace-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')))).toEqual([carol.namespace]);
    await screenshot(t.page, 'new-user-overview');
    expect(t.errors).toEqual([]);
  });

  it('lets an admin edit a user and delete it', async () => {
    const name = 'e2e-dave';
    const create = await callApi(e2e.adminSession, '/api/users', {
      body: { username: name, email: 'dave@example.org', password: 'Dave-e2e-Passw0rd', role: 'viewer', namespaces: ['default'] },
    });
    expect(create.status).toBe(201);

    const t = await browser.signedInAs('admin');
    await t.page.goto('/web/users');
    await row(t.page, name).waitFor();
    await row(t.page, name).getByTestId('user-edit').click();
    const form = await visible(t.page, 'user-edit-form');
    await byTestId(form, 'user-edit-role').selectOption('admin');
    await byTestId(form, 'user-edit-namespaces').fill('default, lab-nlp');
    const patched = t.page.waitForResponse((r) => r.request().method() === 'PATCH');
    await byTestId(form, 'user-edit-save').click();
    expect((await patched).status()).toBe(200);
    expect((await (await visible(t.page, 'users-message')).textContent())?.trim()).toBe(`User ${name} updated.`);
    await t.page.waitForFunction(
      (username) => document.querySelector(`[data-testid="user-row"][data-username="${username}"] [data-testid="user-role"]`)?.textContent?.trim() === 'admin',
      name,
    );
    expect((await row(t.page, name).getByTestId('user-namespaces').textContent())?.trim()).toBe('default, lab-nlp');

    await row(t.page, name).getByTestId('user-delete').click();
    const deleted = t.page.waitForResponse((r) => r.request().method() === 'DELETE');
    await byTestId(t.page, 'user-delete-confirm').click();
    expect((await deleted).status()).toBeLessThan(300);
    await row(t.page, name).waitFor({ state: 'detached' });
    expect((await (await visible(t.page, 'users-message')).textContent())?.trim()).toBe(`User ${name} deleted.`);
    const listed = await callApi<UserView[]>(e2e.adminSession, '/api/users');
    expect(listed.body.map((u) => u.username)).not.toContain(name);
    expect(t.errors).toEqual([]);
  });
});
