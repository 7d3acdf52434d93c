import { defaultNamespaceFor } from './metric-query.service';

describe('defaultNamespaceFor', () => {
  it('should keep the seed’s `default` for whoever may read it', () => {
    expect(defaultNamespaceFor({ kind: 'service' })).toBe('default');
    expect(defaultNamespaceFor({ kind: 'user', username: 'admin', namespaces: 'all' })).toBe('default');
    expect(defaultNamespaceFor({ kind: 'user', username: 'v', namespaces: ['lab-b', 'default'] })).toBe('default');
  });

  it('should give a viewer without `default` the first of their own namespaces, not a 403', () => {
    expect(defaultNamespaceFor({ kind: 'user', username: 'v', namespaces: ['lab-vision', 'cluster-3'] })).toBe('cluster-3');
    expect(defaultNamespaceFor({ kind: 'key', id: 'k', name: 'k', scope: 'read', namespaces: ['lab-vision'] })).toBe('lab-vision');
  });

  it('should leave a caller with no namespace at all to the usual refusal', () => {
    expect(defaultNamespaceFor({ kind: 'user', username: 'v', namespaces: [] })).toBe('default');
  });
});
