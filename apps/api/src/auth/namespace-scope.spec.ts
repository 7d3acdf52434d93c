import { ForbiddenException } from '@nestjs/common';

import { NamespaceAccess, NamespaceScope } from './namespace-scope';

describe(NamespaceScope.name, () => {
  const scope = new NamespaceScope();
  const restricted = { namespaces: ['lab-b', 'lab-a'] };
  const everyone = { namespaces: ['*'] };
  const nobody = { namespaces: [] };

  it('should report the allowed namespaces, all for ["*"] and none for an empty list', () => {
    expect(scope.allowedNamespaces(restricted)).toEqual(['lab-a', 'lab-b']);
    expect(scope.allowedNamespaces(everyone)).toBe('all');
    expect(scope.allowedNamespaces(nobody)).toEqual([]);
    // Only exactly ["*"] grants all: a list that mixes it in fails closed.
    expect(scope.allowedNamespaces({ namespaces: ['*', 'lab-a'] })).toEqual(['*', 'lab-a']);
  });

  it('should refuse every namespace to a user with none', () => {
    expect(() => scope.assertAllowed(nobody, 'default')).toThrow('namespace "default" is not visible to you; you may see no namespace');
    expect(scope.filterNamespaces(nobody, ['default', 'lab-a'])).toEqual([]);
  });

  it('should answer 403 for a namespace outside the list, naming it', () => {
    expect(() => scope.assertAllowed(restricted, 'lab-a')).not.toThrow();
    expect(() => scope.assertAllowed(restricted, 'kube-system')).toThrow(ForbiddenException);
    expect(() => scope.assertAllowed(restricted, 'kube-system')).toThrow(/namespace "kube-system" is not visible to you; you may see: lab-a, lab-b/);
    expect(() => scope.assertAllowed(everyone, 'kube-system')).not.toThrow();
  });

  it('should filter namespace lists', () => {
    expect(scope.filterNamespaces(restricted, ['default', 'lab-a', 'lab-c', 'lab-b'])).toEqual(['lab-a', 'lab-b']);
    expect(scope.filterNamespaces(everyone, ['default', 'lab-a'])).toEqual(['default', 'lab-a']);
  });
});

describe(NamespaceAccess.name, () => {
  const rows = [
    { namespace_name: 'lab-a', usage: 1 },
    { namespace_name: 'lab-z', usage: 2 },
    { usage: 99 }, // a cluster-wide total
  ];

  it('should hide other namespaces and namespace-less rows from restricted users', () => {
    const access = NamespaceAccess.forUser({ namespaces: ['lab-a'] });
    expect(access.restricted).toBe(true);
    expect(access.filter(rows, (r) => r.namespace_name)).toEqual([{ namespace_name: 'lab-a', usage: 1 }]);
  });

  it('should keep everything for unrestricted callers', () => {
    expect(NamespaceAccess.unrestricted().filter(rows, (r) => r.namespace_name)).toHaveLength(3);
    expect(NamespaceAccess.forUser({ namespaces: ['*'] }).restricted).toBe(false);
    expect(NamespaceAccess.forUser({ namespaces: [] }).restricted).toBe(true);
    expect(NamespaceAccess.forUser({ namespaces: [] }).filter(rows, (r) => r.namespace_name)).toEqual([]);
    expect(NamespaceAccess.unrestricted().allows(undefined)).toBe(true);
  });
});
