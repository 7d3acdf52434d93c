/**
 * Which namespaces a caller may read. The billing client (service credentials) sees all; a person
 * sees the namespaces of their account (empty list on the account = all).
 */
export type AccessScope = { kind: 'service' } | { kind: 'user'; username: string; namespaces: readonly string[] | 'all' };

export const SERVICE_SCOPE: AccessScope = { kind: 'service' };

export function allowedNamespaces(scope: AccessScope): readonly string[] | 'all' {
  return scope.kind === 'service' ? 'all' : scope.namespaces;
}
