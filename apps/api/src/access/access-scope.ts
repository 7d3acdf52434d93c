/**
 * Which namespaces a caller may read. The billing client (service credentials) sees all; a person
 * sees the namespaces of their account: `'all'` when the account lists `*`, else the list, which may
 * be empty (sees nothing: 403 on any named namespace, empty answers elsewhere).
 */
export type AccessScope =
  | { kind: 'service' }
  | { kind: 'user'; username: string; namespaces: readonly string[] | 'all' }
  /** A machine client's API key (`X-API-KEY`): the namespaces it was given. */
  | { kind: 'key'; id: string; name: string; scope: 'read' | 'billing-admin'; namespaces: readonly string[] | 'all' };

export const SERVICE_SCOPE: AccessScope = { kind: 'service' };

export function allowedNamespaces(scope: AccessScope): readonly string[] | 'all' {
  return scope.kind === 'service' ? 'all' : scope.namespaces;
}
