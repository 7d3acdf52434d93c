import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators, type AbstractControl, type ValidationErrors } from '@angular/forms';
import type { Observable } from 'rxjs';

import {
  ALL_NAMESPACES,
  grantsAllNamespaces,
  isNamespaceName,
  PASSWORD_MIN_LENGTH,
  USERNAME_PATTERN,
  USERNAME_RULE,
  type CreateUserRequest,
  type UpdateUserRequest,
  type UserRole,
  type UserView,
} from '@kube-monitoring/contract';

import { StateMessageComponent } from '../../components/state-message/state-message.component';
import { describeApiError, toApiError } from '../../core/api/api-error';
import { ApiService } from '../../core/api/api.service';
import { injectNamespaceList } from '../../core/api/namespace-list';
import { AuthService } from '../../core/auth/auth.service';

/** `"a, b ,c"` → `['a', 'b', 'c']` (empty = no namespace). */
export function parseNamespaceList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}

/** What the users table shows for an account's namespaces. */
export function describeNamespaces(namespaces: readonly string[]): string {
  if (grantsAllNamespaces(namespaces)) return 'All namespaces';
  return namespaces.length ? namespaces.join(', ') : 'None';
}

/** The list the API is sent: `["*"]` when "All namespaces" is ticked, else the names typed (maybe none). */
function namespacesToSend(value: { allNamespaces: boolean; namespaces: string }): string[] {
  return value.allNamespaces ? [ALL_NAMESPACES] : parseNamespaceList(value.namespaces);
}

function namespaceListValidator(control: AbstractControl<string>): ValidationErrors | null {
  const invalid = parseNamespaceList(control.value ?? '').filter((ns) => !isNamespaceName(ns));
  return invalid.length ? { namespaces: invalid.join(', ') } : null;
}

/**
 * Admin page: list users, create, edit role / namespaces / email / password, delete. The forms apply
 * the API's own username, namespace and password-length rules (from the contract) before sending.
 */
@Component({
  selector: 'km-users-page',
  imports: [DatePipe, ReactiveFormsModule, StateMessageComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './users.page.html',
  styleUrl: './users.page.scss',
})
export class UsersPage {
  private readonly api = inject(ApiService);
  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly auth = inject(AuthService);

  protected readonly minPassword = PASSWORD_MIN_LENGTH;
  protected readonly usernameRule = USERNAME_RULE;
  protected readonly users = rxResource({ stream: () => this.api.listUsers() });
  protected readonly usersError = computed(() => (this.users.error() ? toApiError(this.users.error()) : null));
  protected readonly userRows = computed(() => (this.users.hasValue() ? [...this.users.value()].sort((a, b) => a.username.localeCompare(b.username)) : []));
  protected readonly knownNamespaces = injectNamespaceList();

  protected readonly message = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly editing = signal<string | null>(null);
  protected readonly confirmingDelete = signal<string | null>(null);
  protected readonly createSubmitted = signal(false);

  protected readonly createForm = this.fb.group({
    username: ['', [Validators.required, Validators.pattern(USERNAME_PATTERN)]],
    email: ['', [Validators.required, Validators.email]],
    password: ['', [Validators.required, Validators.minLength(PASSWORD_MIN_LENGTH)]],
    role: ['viewer' as UserRole],
    allNamespaces: [false],
    namespaces: ['', namespaceListValidator],
  });

  protected readonly editForm = this.fb.group({
    email: ['', [Validators.required, Validators.email]],
    role: ['viewer' as UserRole],
    allNamespaces: [false],
    namespaces: ['', namespaceListValidator],
    password: ['', Validators.minLength(PASSWORD_MIN_LENGTH)],
  });

  protected describe = describeApiError;

  protected namespacesText(user: UserView): string {
    return describeNamespaces(user.namespaces);
  }

  /** Where the account comes from: kept here, or the institution's directory or identity provider. */
  protected sourceLabel(user: UserView): string {
    return describeSource(user.source);
  }

  protected sourceTitle(user: UserView): string {
    return user.source === 'local' ? 'Password kept by this dashboard' : "Role and namespaces follow the groups at each sign-in; the password is the provider's";
  }

  /** "All namespaces" ticked: the list is not used, so it is greyed out and not validated. */
  protected syncNamespaceList(form: { controls: { allNamespaces: AbstractControl<boolean>; namespaces: AbstractControl<string> } }): void {
    const list = form.controls.namespaces;
    if (form.controls.allNamespaces.value) list.disable();
    else list.enable();
  }

  protected isSelf(user: UserView): boolean {
    return this.auth.user()?.username === user.username;
  }

  protected create(): void {
    this.createSubmitted.set(true);
    if (this.createForm.invalid || this.busy()) {
      this.createForm.markAllAsTouched();
      return;
    }
    const value = this.createForm.getRawValue();
    const body: CreateUserRequest = {
      username: value.username.trim(),
      email: value.email.trim(),
      password: value.password,
      role: value.role,
      namespaces: namespacesToSend(value),
    };
    this.run(this.api.createUser(body), `User ${body.username} created.`, () => {
      this.createForm.reset();
      this.syncNamespaceList(this.createForm);
      this.createSubmitted.set(false);
    });
  }

  protected startEdit(user: UserView): void {
    this.confirmingDelete.set(null);
    this.editing.set(user.username);
    const all = grantsAllNamespaces(user.namespaces);
    this.editForm.reset({
      email: user.email,
      role: user.role,
      allNamespaces: all,
      namespaces: all ? '' : user.namespaces.join(', '),
      password: '',
    });
    this.syncNamespaceList(this.editForm);
  }

  protected cancelEdit(): void {
    this.editing.set(null);
  }

  protected saveEdit(user: UserView): void {
    if (this.editForm.invalid || this.busy()) {
      this.editForm.markAllAsTouched();
      return;
    }
    const value = this.editForm.getRawValue();
    const body: UpdateUserRequest = {
      email: value.email.trim(),
      role: value.role,
      namespaces: namespacesToSend(value),
      ...(value.password ? { password: value.password } : {}),
    };
    this.run(this.api.updateUser(user.username, body), `User ${user.username} updated.`, () => {
      this.editing.set(null);
      if (this.isSelf(user)) this.auth.refreshUser().subscribe({ error: () => undefined });
    });
  }

  protected askDelete(user: UserView): void {
    this.editing.set(null);
    this.confirmingDelete.set(user.username);
  }

  protected confirmDelete(user: UserView): void {
    this.run(this.api.deleteUser(user.username), `User ${user.username} deleted.`, () => this.confirmingDelete.set(null));
  }

  private run<T>(request: Observable<T>, success: string, done: () => void): void {
    this.busy.set(true);
    this.message.set(null);
    this.actionError.set(null);
    request.subscribe({
      next: () => {
        this.busy.set(false);
        this.message.set(success);
        done();
        this.users.reload();
      },
      error: (error: unknown) => {
        this.busy.set(false);
        this.actionError.set(describeApiError(toApiError(error)));
      },
    });
  }
}

const SOURCE_LABELS: Record<UserView['source'], string> = { local: 'Local', ldap: 'LDAP', oidc: 'OIDC' };

/** The users table's "Source" cell: `Local`, `LDAP` or `OIDC`. */
export function describeSource(source: UserView['source']): string {
  return SOURCE_LABELS[source] ?? source;
}
