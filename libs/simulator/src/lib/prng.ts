/**
 * Deterministic randomness. Two kinds:
 * - `hashUnit(seed, a, b, c)`: a stateless, counter-based draw in [0, 1). Every sampled value is a pure
 *   function of (seed, entity, quantity, window), so any window can be evaluated on its own — which is
 *   what makes streaming, live mode and ground truth agree without replaying history.
 * - `SeededRandom`: a sequential generator (mulberry32) used only while building the cluster model.
 */

// Local bindings: global lookups are slow inside vm contexts (as in Jest), and these run per sample.
const imul = Math.imul;

/** 32-bit finaliser of MurmurHash3: good avalanche for consecutive integer inputs. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of up to four 32-bit integers (negative and larger values are folded into 32 bits). */
export function hash32(seed: number, a: number, b = 0, c = 0): number {
  let h = fmix32((seed ^ 0x9e3779b9) >>> 0);
  h = fmix32((h ^ imul(a | 0, 0xcc9e2d51)) >>> 0);
  h = fmix32((h ^ imul(b | 0, 0x1b873593)) >>> 0);
  h = fmix32((h ^ imul(c | 0, 0xe6546b64)) >>> 0);
  return h;
}

/** A draw in [0, 1) determined by its arguments. */
export function hashUnit(seed: number, a: number, b = 0, c = 0): number {
  return hash32(seed, a, b, c) / 4294967296;
}

/** FNV-1a of a string: turns names into stable entity ids for `hash32`. */
export function stringHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
/** Kubernetes-looking random suffix (lower-case base 36) derived from a hash. */
export function suffixFrom(hash: number, length: number, alphabet = BASE36): string {
  let out = '';
  let h = hash >>> 0;
  for (let i = 0; i < length; i++) {
    out += alphabet[h % alphabet.length];
    h = fmix32(h + 0x6d2b79f5 + i);
  }
  return out;
}

/** Sequential PRNG (mulberry32) for model construction. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Real number in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** A new generator whose sequence does not depend on how many draws this one has made since. */
  fork(label: string): SeededRandom {
    return new SeededRandom(hash32(this.state, stringHash(label)));
  }
}
