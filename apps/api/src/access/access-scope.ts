import { ForbiddenException } from '@nestjs/common';

/**
 * Which namespaces a caller may read. The billing client (service credentials) sees all; a person
 * sees the namespaces of their account: `'all'` when the account lists `*`, else the list, which may
 * be empty (sees nothing: 403 on any named namespace, empty answers elsewhere).
 */
export type AccessScope = { kind: 'service' } | { kind: 'user'; username: string; namespaces: readonly string[] | 'all' };

export const SERVICE_SCOPE: AccessScope = { kind: 'service' };

export function allowedNamespaces(scope: AccessScope): readonly string[] | 'all' {
  return scope.kind === 'service' ? 'all' : scope.namespaces;
}

/** 403 when a restricted caller names a namespace outside their list. */
export function assertNamespaceAllowed(scope: AccessScope, namespace: string, field = 'namespace'): void {
  const allowed = allowedNamespaces(scope);
  if (allowed !== 'all' && !allowed.includes(namespace)) {
    throw new ForbiddenException(`${field}: you may not read namespace "${namespace}"`);
  }
}

/** Keeps the namespaces a caller may see. */
export function filterNamespaces<T>(scope: AccessScope, items: readonly T[], nsOf: (item: T) => string): T[] {
  const allowed = allowedNamespaces(scope);
  if (allowed === 'all') return [...items];
  const set = new Set(allowed);
  return items.filter((i) => set.has(nsOf(i)));
}
