import { BadRequestException } from '@nestjs/common';

import {
  assertValidEmail,
  assertValidRole,
  assertValidUsername,
  defaultNamespaces,
  grantsAllNamespaces,
  NAMESPACE_GRANT_PATTERN,
  normalizeNamespaces,
  parseNamespaceList,
  passwordWeakness,
} from './user-rules';

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

  it.each([
    ['short1A', /at least 10 characters/],
    ['alllowercaseletters', /two kinds of characters/],
    ['1234567890123', /two kinds of characters/],
    ['alice.smith', /must not be the username/],
    ['x'.repeat(1025), /at most 1024/],
  ])('should explain why %j is weak', (password, why) => {
    expect(passwordWeakness(password, 'alice.smith')).toMatch(why);
  });

  it('should accept a reasonable password', () => {
    expect(passwordWeakness('tulip-Orbit-93', 'alice')).toBeUndefined();
    expect(passwordWeakness('correct horse battery', 'alice')).toBeUndefined();
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
    expect(NAMESPACE_GRANT_PATTERN.test('*')).toBe(true);
    expect(NAMESPACE_GRANT_PATTERN.test('lab-1')).toBe(true);
    expect(NAMESPACE_GRANT_PATTERN.test('lab*')).toBe(false);
  });

  it('should read only exactly ["*"] as all namespaces, and give admins all and viewers none by default', () => {
    expect(grantsAllNamespaces(['*'])).toBe(true);
    expect(grantsAllNamespaces([])).toBe(false);
    expect(grantsAllNamespaces(['*', 'lab1'])).toBe(false);
    expect(defaultNamespaces('admin')).toEqual(['*']);
    expect(defaultNamespaces('viewer')).toEqual([]);
  });

  it('should parse the CLI namespace list', () => {
    expect(parseNamespaceList('lab1, team-b,,lab1')).toEqual(['lab1', 'team-b']);
    expect(parseNamespaceList('*')).toEqual(['*']);
    expect(parseNamespaceList('')).toEqual([]);
  });
});
