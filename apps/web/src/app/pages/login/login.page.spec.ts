import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { loginResponse } from '../../../testing/fixtures';
import { AuthService } from '../../core/auth/auth.service';
import { LoginPage } from './login.page';

describe(LoginPage.name, () => {
  let fixture: ComponentFixture<LoginPage>;
  let backend: HttpTestingController;
  let router: Router;

  function el<T extends HTMLElement>(testId: string): T {
    return fixture.nativeElement.querySelector(`[data-testid="${testId}"]`) as T;
  }

  function type(testId: string, value: string): void {
    const input = el<HTMLInputElement>(testId);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  beforeEach(async () => {
    localStorage.clear();
    TestBed.configureTestingModule({
      imports: [LoginPage],
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    backend = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
    jest.spyOn(router, 'navigateByUrl').mockResolvedValue(true);
    fixture = TestBed.createComponent(LoginPage);
    fixture.componentRef.setInput('returnUrl', '/stats/gpu/usage/cluster-3');
    await fixture.whenStable();
  });

  afterEach(() => backend.verify());

  it('should sign in and go back to the requested page', async () => {
    type('login-username', ' alice ');
    type('login-password', 'secret');
    el<HTMLButtonElement>('login-submit').click();
    const req = backend.expectOne('/api/auth/login');
    expect(req.request.body).toEqual({ username: 'alice', password: 'secret' });
    req.flush(loginResponse());
    await fixture.whenStable();
    expect(TestBed.inject(AuthService).isAuthenticated()).toBe(true);
    expect(router.navigateByUrl).toHaveBeenCalledWith('/stats/gpu/usage/cluster-3');
  });

  it('should say so on wrong credentials and clear the password', async () => {
    type('login-username', 'alice');
    type('login-password', 'wrong');
    el<HTMLButtonElement>('login-submit').click();
    backend.expectOne('/api/auth/login').flush({ code: 401, message: 'Invalid credentials' }, { status: 401, statusText: 'Unauthorized' });
    await fixture.whenStable();
    expect(el('login-error').textContent).toContain('Wrong username or password');
    expect(el<HTMLInputElement>('login-password').value).toBe('');
    expect(router.navigateByUrl).not.toHaveBeenCalled();
  });

  it('should explain throttling and an unavailable user database', async () => {
    type('login-username', 'alice');
    type('login-password', 'pw');
    el<HTMLButtonElement>('login-submit').click();
    backend.expectOne('/api/auth/login').flush({ code: 429, message: 'Too many login attempts' }, { status: 429, statusText: 'Too Many Requests' });
    await fixture.whenStable();
    expect(el('login-error').textContent).toContain('Too many login attempts');

    type('login-password', 'pw');
    el<HTMLButtonElement>('login-submit').click();
    backend.expectOne('/api/auth/login').flush({ code: 503, message: 'User database unavailable' }, { status: 503, statusText: 'Unavailable' });
    await fixture.whenStable();
    expect(el('login-error').textContent).toContain('User database unavailable');
  });

  it('should not call the API with empty fields', async () => {
    el<HTMLButtonElement>('login-submit').click();
    await fixture.whenStable();
    backend.expectNone('/api/auth/login');
    expect(fixture.nativeElement.textContent).toContain('Enter your username.');
  });

  it('should tell why the user is back on the login page', async () => {
    fixture.componentRef.setInput('reason', 'expired');
    await fixture.whenStable();
    expect(el('login-notice').textContent).toContain('session has ended');
  });
});
