import { ForbiddenException } from '@nestjs/common';

import { NamespaceFilter } from '@kube-monitoring/accounting';

import { AccessScope, allowedNamespaces } from './access-scope';

/** Namespace left out of cluster-wide reads unless asked for. */
export const SYSTEM_NAMESPACE = 'kube-system';

/** The namespaces a request names: one, a list, or none (cluster-wide). */
export interface NamespaceRequest {
  namespace?: string;
  namespaces?: readonly string[];
  /** Cluster-wide reads include kube-system. */
  includeSystem?: boolean;
}

/**
 * The one access rule of every read endpoint: what a caller may read of what they ask for. A named
 * namespace outside the caller's scope is a 403 naming the field; cluster-wide is every namespace
 * the caller may see, less kube-system unless asked for.
 */
export function namespaceFilterFor(scope: AccessScope, request: NamespaceRequest): NamespaceFilter {
  const allowed = allowedNamespaces(scope);
  if (request.namespace !== undefined) {
    assertAllowed(allowed, request.namespace, 'namespace');
    return { only: [request.namespace] };
  }
  if (request.namespaces && request.namespaces.length > 0) {
    for (const ns of request.namespaces) assertAllowed(allowed, ns, 'namespaces');
    return { only: request.namespaces };
  }
  const exclude = request.includeSystem ? [] : [SYSTEM_NAMESPACE];
  if (allowed === 'all') return { exclude };
  return { only: allowed.filter((ns) => !exclude.includes(ns)) };
}

/** Whether the caller may see every namespace (data that mixes namespaces, such as a node's own series). */
export function seesEveryNamespace(scope: AccessScope): boolean {
  return allowedNamespaces(scope) === 'all';
}

/** The names the caller may see, in their order. */
export function visibleNamespaces(scope: AccessScope, names: readonly string[]): string[] {
  const allowed = allowedNamespaces(scope);
  if (allowed === 'all') return [...names];
  const set = new Set(allowed);
  return names.filter((n) => set.has(n));
}

function assertAllowed(allowed: readonly string[] | 'all', namespace: string, field: string): void {
  if (allowed !== 'all' && !allowed.includes(namespace)) {
    throw new ForbiddenException(`${field}: you may not read namespace "${namespace}"`);
  }
}
