/** The login page's form, as a user fills it in (the flows that must go through `POST /api/auth/login`). */
import type { Page } from 'playwright-core';

import { byTestId } from './browser';

/** Types the credentials into the login form and submits it; what follows (redirect, error) is the test's to check. */
export async function submitLogin(page: Page, credentials: { username: string; password: string }): Promise<void> {
  await byTestId(page, 'login-username').fill(credentials.username);
  await byTestId(page, 'login-password').fill(credentials.password);
  await byTestId(page, 'login-submit').click();
}
