import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ActivatedRouteSnapshot, provideRouter, Router, RouterStateSnapshot, UrlTree } from '@angular/router';

import { ADMIN_USER, VIEWER_USER } from '../../../testing/fixtures';
import { adminGuard, authGuard, guestGuard } from './auth.guards';
import { SESSION_STORAGE_KEY } from './auth.service';

function signIn(user = ADMIN_USER): void {
  localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify({ accessToken: 't', expiresAt: Date.now() + 60_000, user }));
}

function run(guard: typeof authGuard, url = '/stats/uptime', query: Record<string, string> = {}): unknown {
  const route = { queryParamMap: { get: (k: string) => query[k] ?? null } } as unknown as ActivatedRouteSnapshot;
  return TestBed.runInInjectionContext(() => guard(route, { url } as RouterStateSnapshot));
}

function serialize(result: unknown): string {
  return TestBed.inject(Router).serializeUrl(result as UrlTree);
}

describe('auth guards', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  });

  it('should send signed-out users to the login page with a return URL', () => {
    expect(serialize(run(authGuard, '/stats/gpu/usage/cluster-3'))).toBe('/login?returnUrl=%2Fstats%2Fgpu%2Fusage%2Fcluster-3');
  });

  it('should let signed-in users through', () => {
    signIn(VIEWER_USER);
    expect(run(authGuard)).toBe(true);
  });

  it('should keep viewers out of the admin pages', () => {
    signIn(VIEWER_USER);
    expect(serialize(run(adminGuard))).toBe('/');
  });

  it('should let admins in', () => {
    signIn(ADMIN_USER);
    expect(run(adminGuard)).toBe(true);
  });

  it('should show the login page to signed-out users', () => {
    expect(run(guestGuard)).toBe(true);
  });

  it('should skip the login page for a signed-in user, honouring the return URL', () => {
    signIn();
    expect(serialize(run(guestGuard, '/login', { returnUrl: '/usage' }))).toBe('/usage');
    expect(serialize(run(guestGuard, '/login', { returnUrl: 'https://evil.example' }))).toBe('/');
  });
});
