import { createHash } from 'node:crypto';

import { canonicalJson, sha256Hex } from './canonical-json';

describe('canonicalJson', () => {
  it('should sort keys at every depth, keep array order, drop undefined and add no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, é: 'x' })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"é":"x"}');
  });

  it('should give the same text whatever order the keys were built in', () => {
    expect(canonicalJson({ x: 1, y: [1, 2] })).toBe(canonicalJson({ y: [1, 2], x: 1 }));
  });

  it('should refuse what JSON cannot hold', () => {
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });

  it('should hash the UTF-8 bytes, as sha256sum does', () => {
    expect(sha256Hex('{"a":"é"}')).toBe(createHash('sha256').update(Buffer.from('{"a":"é"}', 'utf8')).digest('hex'));
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
