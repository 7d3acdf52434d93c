import { fieldWithMalformedText, jsonDepth, MAX_JSON_DEPTH, withoutNullFields } from './body-parsers';

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
