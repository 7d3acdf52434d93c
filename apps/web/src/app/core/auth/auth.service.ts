import { computed, inject, Injectable, signal } from '@angular/core';
import { Observable, tap } from 'rxjs';

import type { LoginResponse, UserView } from '@kube-monitoring/contract';

import { ApiService } from '../api/api.service';

/** What is kept between page loads so a shared link opens without a new login. */
export interface StoredSession {
  accessToken: string;
  /** Epoch milliseconds after which the token is no longer sent. */
  expiresAt: number;
  user: UserView;
}

export const SESSION_STORAGE_KEY = 'km.session';

function readSession(storage: Storage | null, now: number): StoredSession | null {
  if (!storage) return null;
  try {
    const raw = storage.getItem(SESSION_STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof parsed.accessToken !== 'string' || typeof parsed.expiresAt !== 'number' || !parsed.user || typeof parsed.user.username !== 'string') {
      return null;
    }
    return parsed.expiresAt > now ? (parsed as StoredSession) : null;
  } catch {
    return null;
  }
}

function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The signed-in user and the bearer token, stored in `localStorage`. */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly api = inject(ApiService);
  private readonly storage = browserStorage();
  private readonly session = signal<StoredSession | null>(readSession(this.storage, Date.now()));

  readonly user = computed(() => this.session()?.user ?? null);
  readonly isAdmin = computed(() => this.user()?.role === 'admin');

  /** The bearer token, or `null` when signed out or expired. */
  token(): string | null {
    const session = this.session();
    if (!session) return null;
    if (session.expiresAt <= Date.now()) {
      this.clear();
      return null;
    }
    return session.accessToken;
  }

  isAuthenticated(): boolean {
    return this.token() !== null;
  }

  login(username: string, password: string): Observable<LoginResponse> {
    return this.api.login({ username, password }).pipe(tap((response) => this.store(response)));
  }

  /** Reloads the user (role, namespaces) from `GET /api/auth/me`. */
  refreshUser(): Observable<UserView> {
    return this.api.me().pipe(
      tap((user) => {
        const session = this.session();
        if (session) this.save({ ...session, user });
      }),
    );
  }

  /**
   * Signs out: the session ends here at once, and the API is asked to revoke the token (with every
   * other token of this user). A failed call changes nothing here: the browser forgets the session anyway.
   */
  logout(): void {
    const token = this.token();
    this.clear();
    if (token) this.api.logout(token).subscribe({ error: () => undefined });
  }

  /** Forgets the session without telling the API, for a token the API has refused already. */
  forget(): void {
    this.clear();
  }

  private store(response: LoginResponse): void {
    this.save({
      accessToken: response.accessToken,
      expiresAt: Date.now() + response.expiresIn * 1000,
      user: response.user,
    });
  }

  private save(session: StoredSession): void {
    this.session.set(session);
    try {
      this.storage?.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
    } catch {
      // Storage full or disabled: the session still lives in memory for this tab.
    }
  }

  private clear(): void {
    this.session.set(null);
    try {
      this.storage?.removeItem(SESSION_STORAGE_KEY);
    } catch {
      // Nothing stored to remove.
    }
  }
}
