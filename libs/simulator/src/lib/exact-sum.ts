/**
 * Sum of whole numbers without rounding: terms gather in a double while that stays exact (< 2^52),
 * then move into a bigint. Integrals over months of bytes exceed 2^53.
 */
const FLUSH_AT = 2 ** 52;

export class ExactSum {
  private big = 0n;
  private small = 0;

  add(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`ExactSum takes whole numbers, got ${value}`);
    this.small += value;
    if (Math.abs(this.small) >= FLUSH_AT) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
  }

  /** A product of whole numbers that may exceed 2^53 (a request × a long life). */
  addProduct(a: number, b: number): void {
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) throw new RangeError(`ExactSum takes whole numbers, got ${a} × ${b}`);
    const product = a * b;
    if (Number.isSafeInteger(product)) this.add(product);
    else this.big += BigInt(a) * BigInt(b);
  }

  addSum(other: ExactSum): void {
    this.big += other.bigint();
  }

  bigint(): bigint {
    return this.big + BigInt(this.small);
  }

  /** Nearest double (exact below 2^53). */
  number(): number {
    return Number(this.bigint());
  }
}
