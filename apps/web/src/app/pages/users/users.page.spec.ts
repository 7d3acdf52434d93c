import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';

import { ADMIN_USER, VIEWER_USER } from '../../../testing/fixtures';
import { SESSION_STORAGE_KEY } from '../../core/auth/auth.service';
import { describeNamespaces, describeSource, parseNamespaceList, UsersPage } from './users.page';

describe(UsersPage.name, () => {
  let fixture: ComponentFixture<UsersPage>;
  let backend: HttpTestingController;

  const q = (selector: string): HTMLElement | null => fixture.nativeElement.querySelector(selector);
  const byTestId = (id: string) => q(`[data-testid="${id}"]`);

  function type(testId: string, value: string): void {
    const input = byTestId(testId) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  beforeEach(async () => {
    localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify({ accessToken: 't', expiresAt: Date.now() + 60_000, user: ADMIN_USER }));
    TestBed.configureTestingModule({
      imports: [UsersPage],
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(UsersPage);
    TestBed.tick();
    backend.expectOne('/api/users').flush([VIEWER_USER, ADMIN_USER]);
    backend.expectOne('/api/ui/namespaces').flush({ namespaces: ['cluster-3'] });
    await fixture.whenStable();
  });

  afterEach(() => {
    backend.verify();
    localStorage.clear();
  });

  it('should list users and forbid deleting oneself', () => {
    const rows = fixture.nativeElement.querySelectorAll('[data-testid="user-row"]');
    expect(rows.length).toBe(2);
    expect(q('[data-username="bob"] [data-testid="user-namespaces"]')?.textContent).toContain('cluster-3');
    expect(q('[data-username="alice"] [data-testid="user-namespaces"]')?.textContent?.trim()).toBe('All namespaces');
    expect((q('[data-username="alice"] [data-testid="user-delete"]') as HTMLButtonElement).disabled).toBe(true);
  });

  it('should say where each user comes from', () => {
    expect(q('[data-username="alice"] [data-testid="user-source"]')?.textContent?.trim()).toBe('Local');
    expect(['local', 'ldap', 'oidc'].map((source) => describeSource(source as 'local'))).toEqual(['Local', 'LDAP', 'OIDC']);
  });

  it('should create a user with a namespace list', async () => {
    type('user-create-username', 'carol');
    type('user-create-email', 'carol@example.org');
    type('user-create-password', 'long-enough');
    type('user-create-namespaces', 'team-a, team-b');
    (byTestId('user-create-submit') as HTMLButtonElement).click();
    const req = backend.expectOne({ method: 'POST', url: '/api/users' });
    expect(req.request.body).toEqual({
      username: 'carol',
      email: 'carol@example.org',
      password: 'long-enough',
      role: 'viewer',
      namespaces: ['team-a', 'team-b'],
    });
    req.flush({ ...VIEWER_USER, username: 'carol' });
    TestBed.tick();
    backend.expectOne('/api/users').flush([VIEWER_USER, ADMIN_USER]);
    await fixture.whenStable();
    expect(byTestId('users-message')?.textContent).toContain('User carol created.');
  });

  it('should send ["*"] for "All namespaces" and [] for an empty list, and show both plainly', async () => {
    type('user-create-username', 'dora');
    type('user-create-email', 'dora@example.org');
    type('user-create-password', 'long-enough');
    type('user-create-namespaces', 'Not_Valid');
    const all = byTestId('user-create-all-namespaces') as HTMLInputElement;
    all.click();
    await fixture.whenStable();
    expect((byTestId('user-create-namespaces') as HTMLInputElement).disabled).toBe(true);
    (byTestId('user-create-submit') as HTMLButtonElement).click();
    const created = backend.expectOne({ method: 'POST', url: '/api/users' });
    expect(created.request.body.namespaces).toEqual(['*']);
    created.flush({ ...VIEWER_USER, username: 'dora', namespaces: ['*'] });
    TestBed.tick();
    backend.expectOne('/api/users').flush([VIEWER_USER, ADMIN_USER, { ...VIEWER_USER, username: 'eve', namespaces: [] }]);
    await fixture.whenStable();
    expect(q('[data-username="eve"] [data-testid="user-namespaces"]')?.textContent?.trim()).toBe('None');
    expect((byTestId('user-create-all-namespaces') as HTMLInputElement).checked).toBe(false);

    (q('[data-username="alice"] [data-testid="user-edit"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    const editAll = byTestId('user-edit-all-namespaces') as HTMLInputElement;
    expect(editAll.checked).toBe(true);
    editAll.click();
    await fixture.whenStable();
    (byTestId('user-edit-save') as HTMLButtonElement).click();
    const patch = backend.expectOne({ method: 'PATCH', url: '/api/users/alice' });
    expect(patch.request.body.namespaces).toEqual([]);
    patch.flush({ ...ADMIN_USER, namespaces: [] });
    TestBed.tick();
    backend.expectOne('/api/auth/me').flush({ ...ADMIN_USER, namespaces: [] });
    backend.expectOne('/api/users').flush([VIEWER_USER, { ...ADMIN_USER, namespaces: [] }]);
    await fixture.whenStable();
  });

  it('should reject invalid namespace names before calling the API', async () => {
    type('user-create-username', 'carol');
    type('user-create-email', 'carol@example.org');
    type('user-create-password', 'long-enough');
    type('user-create-namespaces', 'Team_A');
    (byTestId('user-create-submit') as HTMLButtonElement).click();
    await fixture.whenStable();
    backend.expectNone({ method: 'POST', url: '/api/users' });
    expect(fixture.nativeElement.textContent).toContain('Not valid namespace names: Team_A');
  });

  it.each(['Carol', 'carol-', 'car ol'])("should refuse the username %j by the API's rule before calling the API", async (username) => {
    type('user-create-username', username);
    type('user-create-email', 'carol@example.org');
    type('user-create-password', 'long-enough');
    (byTestId('user-create-submit') as HTMLButtonElement).click();
    await fixture.whenStable();
    backend.expectNone({ method: 'POST', url: '/api/users' });
    expect(fixture.nativeElement.textContent).toContain('username must be 1-64 characters: lower-case letters');
  });

  it("should refuse a password shorter than the API's minimum before calling the API", async () => {
    type('user-create-username', 'carol');
    type('user-create-email', 'carol@example.org');
    type('user-create-password', 'Sh0rt-pw9');
    (byTestId('user-create-submit') as HTMLButtonElement).click();
    await fixture.whenStable();
    backend.expectNone({ method: 'POST', url: '/api/users' });
    expect(fixture.nativeElement.textContent).toContain('At least 10 characters.');
  });

  it('should change a role and delete after confirmation', async () => {
    (q('[data-username="bob"] [data-testid="user-edit"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    const role = byTestId('user-edit-role') as HTMLSelectElement;
    role.value = 'admin';
    role.dispatchEvent(new Event('change'));
    (byTestId('user-edit-save') as HTMLButtonElement).click();
    const patch = backend.expectOne({ method: 'PATCH', url: '/api/users/bob' });
    expect(patch.request.body).toEqual({ email: 'bob@example.org', role: 'admin', namespaces: ['cluster-3'] });
    patch.flush({ ...VIEWER_USER, role: 'admin' });
    TestBed.tick();
    backend.expectOne('/api/users').flush([VIEWER_USER, ADMIN_USER]);
    await fixture.whenStable();

    (q('[data-username="bob"] [data-testid="user-delete"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    (byTestId('user-delete-confirm') as HTMLButtonElement).click();
    backend.expectOne({ method: 'DELETE', url: '/api/users/bob' }).flush(null);
    TestBed.tick();
    backend.expectOne('/api/users').flush([ADMIN_USER]);
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelectorAll('[data-testid="user-row"]').length).toBe(1);
  });

  it('should show API errors such as a duplicate username', async () => {
    type('user-create-username', 'bob');
    type('user-create-email', 'bob2@example.org');
    type('user-create-password', 'long-enough');
    (byTestId('user-create-submit') as HTMLButtonElement).click();
    backend.expectOne({ method: 'POST', url: '/api/users' }).flush({ code: 409, message: 'User bob already exists' }, { status: 409, statusText: 'Conflict' });
    await fixture.whenStable();
    expect(byTestId('users-error')?.textContent).toContain('User bob already exists');
  });
});

describe('parseNamespaceList', () => {
  it('should split on commas and spaces and drop duplicates', () => {
    expect(parseNamespaceList(' a, b ,,c a ')).toEqual(['a', 'b', 'c']);
    expect(parseNamespaceList('')).toEqual([]);
  });
});

describe('describeNamespaces', () => {
  it('should say "All namespaces" only for exactly ["*"], and "None" for an empty list', () => {
    expect(describeNamespaces(['*'])).toBe('All namespaces');
    expect(describeNamespaces([])).toBe('None');
    expect(describeNamespaces(['a', 'b'])).toBe('a, b');
  });
});
