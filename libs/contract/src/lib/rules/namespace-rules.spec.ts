import { isNamespaceName, NAMESPACE_PATTERN } from './namespace-rules';

describe('namespace rule', () => {
  it.each(['default', 'a', 'kube-system', 'lab-1', '0', 'a'.repeat(63)])('should accept %s', (name) => {
    expect(isNamespaceName(name)).toBe(true);
  });

  it.each(['', '-a', 'a-', 'Lab', 'lab_1', 'lab.1', 'a'.repeat(64), 42, null])('should refuse %j', (name) => {
    expect(isNamespaceName(name)).toBe(false);
  });

  it('should leave the length to its own check', () => {
    expect(NAMESPACE_PATTERN.test('a'.repeat(64))).toBe(true);
  });
});
