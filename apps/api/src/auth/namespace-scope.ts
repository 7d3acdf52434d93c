import { ForbiddenException, Injectable } from '@nestjs/common';

import { grantsAllNamespaces } from '../users/user-rules';
import type { AuthUser } from './auth-user';

/**
 * What one caller may see. A user sees the namespaces listed on the account: `["*"]` (or the service
 * API, which has no user) sees all, an empty list none. Rows that belong to no namespace (cluster-wide
 * totals, nodes) are hidden from restricted users: callers recompute totals over the rows left.
 */
export class NamespaceAccess {
  private constructor(private readonly allowedSet: ReadonlySet<string> | 'all') {}

  static forUser(user: Pick<AuthUser, 'namespaces'>): NamespaceAccess {
    return new NamespaceAccess(grantsAllNamespaces(user.namespaces) ? 'all' : new Set(user.namespaces));
  }

  /** For the service API (machine clients): everything. */
  static unrestricted(): NamespaceAccess {
    return new NamespaceAccess('all');
  }

  get restricted(): boolean {
    return this.allowedSet !== 'all';
  }

  /** Sorted list of the namespaces allowed, or `'all'`. */
  get allowed(): string[] | 'all' {
    return this.allowedSet === 'all' ? 'all' : [...this.allowedSet].sort();
  }

  allows(namespace: string | null | undefined): boolean {
    if (this.allowedSet === 'all') return true;
    return typeof namespace === 'string' && this.allowedSet.has(namespace);
  }

  /** 403 when the caller asks for a namespace outside their list. */
  assertAllowed(namespace: string): void {
    if (!this.allows(namespace)) {
      const allowed = this.allowed as string[];
      const visible = allowed.length ? `you may see: ${allowed.join(', ')}` : 'you may see no namespace';
      throw new ForbiddenException(`namespace "${namespace}" is not visible to you; ${visible}`);
    }
  }

  filterNamespaces(namespaces: readonly string[]): string[] {
    return namespaces.filter((ns) => this.allows(ns));
  }

  /** Keeps the rows whose namespace is allowed; rows without one only for unrestricted callers. */
  filter<T>(rows: readonly T[], namespaceOf: (row: T) => string | null | undefined): T[] {
    return this.allowedSet === 'all' ? [...rows] : rows.filter((row) => this.allows(namespaceOf(row)));
  }
}

/**
 * Injectable face of `NamespaceAccess` for controllers and services under /api/ui:
 * `scope.forUser(user).assertAllowed(ns)`, or the one-shot helpers below.
 */
@Injectable()
export class NamespaceScope {
  forUser(user: Pick<AuthUser, 'namespaces'>): NamespaceAccess {
    return NamespaceAccess.forUser(user);
  }

  unrestricted(): NamespaceAccess {
    return NamespaceAccess.unrestricted();
  }

  allowedNamespaces(user: Pick<AuthUser, 'namespaces'>): string[] | 'all' {
    return NamespaceAccess.forUser(user).allowed;
  }

  assertAllowed(user: Pick<AuthUser, 'namespaces'>, namespace: string): void {
    NamespaceAccess.forUser(user).assertAllowed(namespace);
  }

  filterNamespaces(user: Pick<AuthUser, 'namespaces'>, namespaces: readonly string[]): string[] {
    return NamespaceAccess.forUser(user).filterNamespaces(namespaces);
  }
}
