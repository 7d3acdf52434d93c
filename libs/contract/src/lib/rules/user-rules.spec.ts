import { defaultNamespaces, grantsAllNamespaces, NAMESPACE_GRANT_PATTERN, passwordWeakness, USERNAME_PATTERN } from './user-rules';

describe('user rules', () => {
  it.each(['alice', 'a', 'bob.smith', 'ops-team_1', 'jane@lab', 'x'.repeat(64)])('should accept username %s', (u) => {
    expect(USERNAME_PATTERN.test(u)).toBe(true);
  });

  it.each(['', 'Alice', '-x', 'x-', 'a b', 'x'.repeat(65), 'drop;table'])('should refuse username %j', (u) => {
    expect(USERNAME_PATTERN.test(u)).toBe(false);
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

  it('should grant a namespace name or "*", nothing else', () => {
    expect(NAMESPACE_GRANT_PATTERN.test('*')).toBe(true);
    expect(NAMESPACE_GRANT_PATTERN.test('lab-1')).toBe(true);
    expect(NAMESPACE_GRANT_PATTERN.test('a'.repeat(63))).toBe(true);
    expect(NAMESPACE_GRANT_PATTERN.test('a'.repeat(64))).toBe(false);
    expect(NAMESPACE_GRANT_PATTERN.test('lab*')).toBe(false);
    expect(NAMESPACE_GRANT_PATTERN.test('**')).toBe(false);
    expect(NAMESPACE_GRANT_PATTERN.test('Lab')).toBe(false);
  });

  it('should read only exactly ["*"] as all namespaces, and give admins all and viewers none by default', () => {
    expect(grantsAllNamespaces(['*'])).toBe(true);
    expect(grantsAllNamespaces([])).toBe(false);
    expect(grantsAllNamespaces(['*', 'lab1'])).toBe(false);
    expect(defaultNamespaces('admin')).toEqual(['*']);
    expect(defaultNamespaces('viewer')).toEqual([]);
  });
});
