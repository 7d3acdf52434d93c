import { fieldWithMalformedText, inheritedKeyPath, jsonDepth, MAX_JSON_DEPTH, withoutNullFields } from './body-parsers';

describe('jsonDepth', () => {
  it('should measure nesting of objects and arrays', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
  });

  it('should stop early on absurdly deep values without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(jsonDepth(deep)).toBe(MAX_JSON_DEPTH + 1);
  });
});

describe('withoutNullFields', () => {
  it('should drop top-level nulls only', () => {
    expect(withoutNullFields({ agg: null, namespace: 'a', list: [null] })).toEqual({ namespace: 'a', list: [null] });
    expect(withoutNullFields([null])).toEqual([null]);
    expect(withoutNullFields(null)).toBeNull();
  });
});

describe('fieldWithMalformedText', () => {
  it('should name the top-level field holding a lone surrogate', () => {
    expect(fieldWithMalformedText({ email: '\ud800', role: 'viewer' })).toBe('email');
    expect(fieldWithMalformedText({ namespaces: ['ok', { x: 'a\udc00' }] })).toBe('namespaces');
    expect(fieldWithMalformedText({ email: 'ü@example.org' })).toBeUndefined();
  });
});

describe('inheritedKeyPath', () => {
  it('should find keys named like inherited members at any depth, by path', () => {
    expect(inheritedKeyPath(JSON.parse('{"username":"u","__proto__":{"polluted":true}}'))).toBe('__proto__');
    expect(inheritedKeyPath({ a: { toString: 1 } })).toBe('a.toString');
    expect(inheritedKeyPath({ list: [{ ok: 1 }, { constructor: 1 }] })).toBe('list.constructor');
    expect(inheritedKeyPath({ prototype: 1 })).toBe('prototype');
    expect(inheritedKeyPath({ namespaces: ['constructor', 'toString'], valueOfX: 1 })).toBeUndefined();
  });
});
