/**
 * Exact decimal arithmetic for money and billed quantities: a value is an integer count of
 * 10^-scale units held in a bigint, so sums and products never meet binary floating point.
 * Amounts travel as plain decimal strings ("12.30"), never as JSON numbers.
 */

export type RoundingMode = 'half-up' | 'half-even' | 'down';
export const ROUNDING_MODES: readonly RoundingMode[] = ['half-up', 'half-even', 'down'];

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export class Decimal {
  private constructor(
    /** The value × 10^scale. */
    readonly units: bigint,
    readonly scale: number,
  ) {}

  static readonly ZERO = new Decimal(0n, 0);

  /** A plain decimal string: optional `-`, digits, optional fraction (no exponent, no `+`, no separators). */
  static parse(text: string): Decimal {
    const m = DECIMAL.exec(text);
    if (!m) throw new RangeError(`not a plain decimal number: ${JSON.stringify(text)}`);
    const fraction = m[3] ?? '';
    const units = BigInt(`${m[2]}${fraction}`);
    return new Decimal(m[1] ? -units : units, fraction.length);
  }

  static isDecimal(text: string): boolean {
    return DECIMAL.test(text);
  }

  /**
   * A measured quantity (a float integral from the accounting engine) at `scale` decimals, rounded
   * half away from zero. Measurements are floats by nature; from here on everything is exact.
   */
  static fromMeasure(value: number, scale: number): Decimal {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite measure: ${value}`);
    // toFixed rounds the float's exact binary value: correct to the last digit asked for.
    return Decimal.parse(value.toFixed(scale)).withScale(scale);
  }

  static fromInteger(value: bigint | number): Decimal {
    return new Decimal(BigInt(value), 0);
  }

  private withScale(scale: number): Decimal {
    if (scale < this.scale) return this.round(scale, 'half-up');
    return new Decimal(this.units * 10n ** BigInt(scale - this.scale), scale);
  }

  plus(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.withScale(scale).units + other.withScale(scale).units, scale);
  }

  minus(other: Decimal): Decimal {
    return this.plus(other.negated());
  }

  times(other: Decimal): Decimal {
    return new Decimal(this.units * other.units, this.scale + other.scale);
  }

  negated(): Decimal {
    return new Decimal(-this.units, this.scale);
  }

  sign(): -1 | 0 | 1 {
    return this.units < 0n ? -1 : this.units > 0n ? 1 : 0;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  compare(other: Decimal): -1 | 0 | 1 {
    return this.minus(other).sign();
  }

  /** Rounded to `decimals` places: `half-up` (half away from zero), `half-even` (banker's), `down` (toward zero). */
  round(decimals: number, mode: RoundingMode): Decimal {
    if (decimals >= this.scale) return this.withScale(decimals);
    const divisor = 10n ** BigInt(this.scale - decimals);
    const negative = this.units < 0n;
    const magnitude = negative ? -this.units : this.units;
    let quotient = magnitude / divisor;
    const twiceRemainder = (magnitude % divisor) * 2n;
    if (mode === 'half-up' && twiceRemainder >= divisor) quotient += 1n;
    if (mode === 'half-even' && (twiceRemainder > divisor || (twiceRemainder === divisor && quotient % 2n === 1n))) quotient += 1n;
    return new Decimal(negative ? -quotient : quotient, decimals);
  }

  /** The plain decimal string with exactly `scale` fraction digits ("-0.50"); `-0` prints as `0`. */
  toString(): string {
    const negative = this.units < 0n;
    const digits = (negative ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const whole = digits.slice(0, digits.length - this.scale);
    const fraction = digits.slice(digits.length - this.scale);
    return `${negative ? '-' : ''}${whole}${this.scale > 0 ? `.${fraction}` : ''}`;
  }

  /** The string at `decimals` places (rounded half-up when it has more). */
  toFixed(decimals: number): string {
    return this.withScale(decimals).toString();
  }

  toJSON(): string {
    return this.toString();
  }
}

export function sumOf(values: Iterable<Decimal>): Decimal {
  let total = Decimal.ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}
