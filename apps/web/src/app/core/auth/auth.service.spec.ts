import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { ADMIN_USER, loginResponse, VIEWER_USER } from '../../../testing/fixtures';
import { AuthService, SESSION_STORAGE_KEY } from './auth.service';

describe(AuthService.name, () => {
  let backend: HttpTestingController;

  function create(): AuthService {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    backend = TestBed.inject(HttpTestingController);
    return TestBed.inject(AuthService);
  }

  beforeEach(() => localStorage.clear());
  afterEach(() => backend.verify());

  it('should store the token and user after a login', () => {
    const auth = create();
    auth.login('alice', 'pw').subscribe();
    const req = backend.expectOne('/api/auth/login');
    expect(req.request.body).toEqual({ username: 'alice', password: 'pw' });
    req.flush(loginResponse(ADMIN_USER));

    expect(auth.isAuthenticated()).toBe(true);
    expect(auth.token()).toBe('token-of-alice');
    expect(auth.isAdmin()).toBe(true);
    const stored = JSON.parse(localStorage.getItem(SESSION_STORAGE_KEY) ?? '{}');
    expect(stored.user.username).toBe('alice');
    expect(stored.expiresAt).toBeGreaterThan(Date.now());
  });

  it('should restore a stored session and drop an expired one', () => {
    localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify({ accessToken: 't', expiresAt: Date.now() + 10_000, user: VIEWER_USER }));
    const auth = create();
    expect(auth.user()?.username).toBe('bob');
    expect(auth.isAdmin()).toBe(false);

    TestBed.resetTestingModule();
    localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify({ accessToken: 't', expiresAt: 1, user: VIEWER_USER }));
    expect(create().isAuthenticated()).toBe(false);
  });

  it('should ignore a corrupt stored session', () => {
    localStorage.setItem(SESSION_STORAGE_KEY, '{not json');
    expect(create().isAuthenticated()).toBe(false);
  });

  it('should forget everything on logout and ask the API to revoke the token', () => {
    const auth = create();
    auth.login('alice', 'pw').subscribe();
    backend.expectOne('/api/auth/login').flush(loginResponse());
    auth.logout();
    expect(auth.user()).toBeNull();
    expect(auth.token()).toBeNull();
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    const revoke = backend.expectOne('/api/auth/logout');
    expect(revoke.request.method).toBe('POST');
    expect(revoke.request.headers.get('Authorization')).toBe('Bearer token-of-alice');
    revoke.flush(null, { status: 204, statusText: 'No Content' });
  });

  it('should forget the session on logout even when the API call fails', () => {
    const auth = create();
    auth.login('alice', 'pw').subscribe();
    backend.expectOne('/api/auth/login').flush(loginResponse());
    auth.logout();
    backend.expectOne('/api/auth/logout').flush({ code: 503, message: 'User database unavailable' }, { status: 503, statusText: 'Service Unavailable' });
    expect(auth.isAuthenticated()).toBe(false);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('should call nobody when logging out without a session, or when forgetting a refused token', () => {
    const auth = create();
    auth.logout();
    backend.expectNone('/api/auth/logout');
    auth.login('alice', 'pw').subscribe();
    backend.expectOne('/api/auth/login').flush(loginResponse());
    auth.forget();
    expect(auth.isAuthenticated()).toBe(false);
    backend.expectNone('/api/auth/logout');
  });

  it('should update the user from /api/auth/me', () => {
    const auth = create();
    auth.login('alice', 'pw').subscribe();
    backend.expectOne('/api/auth/login').flush(loginResponse());
    auth.refreshUser().subscribe();
    backend.expectOne('/api/auth/me').flush({ ...ADMIN_USER, role: 'viewer' });
    expect(auth.isAdmin()).toBe(false);
  });
});
