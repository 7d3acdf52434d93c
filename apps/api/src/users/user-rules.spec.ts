import { BadRequestException } from '@nestjs/common';

import { assertStrongPassword, assertValidEmail, assertValidRole, assertValidUsername, normalizeNamespaces, parseNamespaceList } from './user-rules';

describe('user rules', () => {
  it.each(['alice', 'a', 'bob.smith', 'ops-team_1', 'jane@lab'])('should accept username %s', (u) => {
    expect(() => assertValidUsername(u)).not.toThrow();
  });

  it.each(['', 'Alice', '-x', 'x-', 'a b', 'x'.repeat(65), 'drop;table'])('should refuse username %j', (u) => {
    expect(() => assertValidUsername(u)).toThrow(/username must be/);
  });

  it('should check e-mail addresses and name the field', () => {
    expect(() => assertValidEmail('alice@example.org')).not.toThrow();
    expect(() => assertValidEmail('not-an-email')).toThrow(/email must be a valid e-mail address/);
    expect(() => assertValidEmail(`${'a'.repeat(250)}@example.org`)).toThrow(BadRequestException);
  });

  it('should only know the admin and viewer roles', () => {
    expect(() => assertValidRole('admin')).not.toThrow();
    expect(() => assertValidRole('viewer')).not.toThrow();
    expect(() => assertValidRole('root')).toThrow(/role must be one of admin, viewer/);
  });

  it('should refuse a weak password with the reason', () => {
    expect(() => assertStrongPassword('short1A', 'alice')).toThrow('password must be at least 10 characters long');
    expect(() => assertStrongPassword(42, 'alice')).toThrow('password must be a string');
    expect(() => assertStrongPassword('tulip-Orbit-93', 'alice')).not.toThrow();
  });

  it('should validate, de-duplicate and sort namespaces', () => {
    expect(normalizeNamespaces(['team-b', 'lab1', 'team-b'])).toEqual(['lab1', 'team-b']);
    expect(normalizeNamespaces([])).toEqual([]);
    expect(() => normalizeNamespaces(['Bad_NS'])).toThrow(/namespaces: "Bad_NS" must be a Kubernetes namespace name/);
    expect(() => normalizeNamespaces(['a'.repeat(64)])).toThrow(/DNS-1123/);
    expect(() => normalizeNamespaces('lab1')).toThrow(/must be a list/);
  });

  it('should accept "*" for all namespaces only when it stands alone', () => {
    expect(normalizeNamespaces(['*', '*'])).toEqual(['*']);
    expect(() => normalizeNamespaces(['*', 'lab1'])).toThrow('namespaces: "*" (all namespaces) must be alone in the list');
    expect(() => normalizeNamespaces(['**'])).toThrow(/namespaces: "\*\*" must be a Kubernetes namespace name/);
  });

  it('should parse the CLI namespace list', () => {
    expect(parseNamespaceList('lab1, team-b,,lab1')).toEqual(['lab1', 'team-b']);
    expect(parseNamespaceList('*')).toEqual(['*']);
    expect(parseNamespaceList('')).toEqual([]);
  });
});
