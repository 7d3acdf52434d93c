import { HttpClient, HttpErrorResponse, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';

import { ADMIN_USER, loginResponse } from '../../../testing/fixtures';
import { APP_CONFIG } from '../config/app-config';
import { authInterceptor, isApiUrl } from './auth.interceptor';
import { AuthService, SESSION_STORAGE_KEY } from './auth.service';

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let router: { url: string; navigate: jest.Mock };

  function setup(apiBaseUrl = '', session = true): void {
    localStorage.clear();
    if (session) {
      localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify({ accessToken: 'secret-token', expiresAt: Date.now() + 60_000, user: ADMIN_USER }));
    }
    router = { url: '/stats/cpu/usage_rate/cluster-3?range=6h', navigate: jest.fn().mockResolvedValue(true) };
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        { provide: APP_CONFIG, useValue: { apiBaseUrl } },
        { provide: Router, useValue: router },
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
  }

  afterEach(() => {
    backend.verify();
    localStorage.clear();
  });

  it('should add the bearer token to API requests', () => {
    setup();
    http.get('/api/ui/metrics').subscribe();
    const req = backend.expectOne('/api/ui/metrics');
    expect(req.request.headers.get('Authorization')).toBe('Bearer secret-token');
    req.flush([]);
  });

  it('should add the token when the API has its own base URL', () => {
    setup('https://api.example.org');
    http.post('https://api.example.org/api/ui/series/cpu/usage_rate', {}).subscribe();
    const req = backend.expectOne('https://api.example.org/api/ui/series/cpu/usage_rate');
    expect(req.request.headers.get('Authorization')).toBe('Bearer secret-token');
    req.flush({});
  });

  it('should never send the token to other hosts or to non-API paths', () => {
    setup();
    http.get('https://elsewhere.example/api/ui/metrics').subscribe();
    http.get('config.json').subscribe();
    expect(backend.expectOne('https://elsewhere.example/api/ui/metrics').request.headers.has('Authorization')).toBe(false);
    expect(backend.expectOne('config.json').request.headers.has('Authorization')).toBe(false);
    backend.match(() => true).forEach((r) => r.flush({}));
  });

  it('should send no header without a session', () => {
    setup('', false);
    http.get('/api/ui/metrics').subscribe();
    const req = backend.expectOne('/api/ui/metrics');
    expect(req.request.headers.has('Authorization')).toBe(false);
    req.flush([]);
  });

  it('should forget the session (without calling logout) and go to the login page with the current URL on 401', () => {
    setup();
    const auth = TestBed.inject(AuthService);
    let received: unknown;
    http.post('/api/ui/cpu/usage_rate', {}).subscribe({ error: (e: unknown) => (received = e) });
    backend.expectOne('/api/ui/cpu/usage_rate').flush({ code: 401, message: 'Token expired' }, { status: 401, statusText: 'Unauthorized' });

    expect(received).toBeInstanceOf(HttpErrorResponse);
    expect(auth.isAuthenticated()).toBe(false);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    expect(router.navigate).toHaveBeenCalledWith(['/', 'login'], {
      queryParams: { returnUrl: '/stats/cpu/usage_rate/cluster-3?range=6h', reason: 'expired' },
    });
  });

  it('should not redirect when already on the login page', () => {
    setup();
    router.url = '/login';
    http.get('/api/auth/me').subscribe({ error: () => undefined });
    backend.expectOne('/api/auth/me').flush({ code: 401, message: 'x' }, { status: 401, statusText: 'Unauthorized' });
    expect(router.navigate).not.toHaveBeenCalled();
  });

  it('should leave a failed login alone (wrong password is not an expired session)', () => {
    setup();
    const auth = TestBed.inject(AuthService);
    http.post('/api/auth/login', { username: 'a', password: 'b' }).subscribe({ error: () => undefined });
    const req = backend.expectOne('/api/auth/login');
    expect(req.request.headers.has('Authorization')).toBe(false);
    req.flush({ code: 401, message: 'Bad credentials' }, { status: 401, statusText: 'Unauthorized' });
    expect(auth.isAuthenticated()).toBe(true);
    expect(router.navigate).not.toHaveBeenCalled();
  });

  it('should leave the logout call its own token, and not redirect when that token was dead already', () => {
    setup('', false);
    http.post('/api/auth/logout', null, { headers: { Authorization: 'Bearer old-token' } }).subscribe({ error: () => undefined });
    const req = backend.expectOne('/api/auth/logout');
    expect(req.request.headers.get('Authorization')).toBe('Bearer old-token');
    req.flush({ code: 401, message: 'Token revoked' }, { status: 401, statusText: 'Unauthorized' });
    expect(router.navigate).not.toHaveBeenCalled();
  });

  it('should pass other errors through without logging out', () => {
    setup();
    const auth = TestBed.inject(AuthService);
    let status = 0;
    http.post('/api/ui/cpu/usage_rate', {}).subscribe({ error: (e: HttpErrorResponse) => (status = e.status) });
    backend.expectOne('/api/ui/cpu/usage_rate').flush({ code: 503, message: "Can't connect to influxdb" }, { status: 503, statusText: 'Service Unavailable' });
    expect(status).toBe(503);
    expect(auth.isAuthenticated()).toBe(true);
    expect(router.navigate).not.toHaveBeenCalled();
  });

  it('should not send an expired token', () => {
    setup('', false);
    localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify({ ...loginResponse(), expiresAt: Date.now() - 1, user: ADMIN_USER }));
    http.get('/api/ui/metrics').subscribe();
    const req = backend.expectOne('/api/ui/metrics');
    expect(req.request.headers.has('Authorization')).toBe(false);
    req.flush([]);
  });
});

describe('isApiUrl', () => {
  it('should recognise API paths under the configured base', () => {
    expect(isApiUrl('/api/ui/metrics', '')).toBe(true);
    expect(isApiUrl('/apis/other', '')).toBe(false);
    expect(isApiUrl('https://a.example/api/users', 'https://a.example')).toBe(true);
    expect(isApiUrl('https://b.example/api/users', 'https://a.example')).toBe(false);
  });
});
