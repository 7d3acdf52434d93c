import type { Dialect } from './ledger/ledger-sql';

/**
 * The parameters of one statement, with their placeholders: `$n` on PostgreSQL, `?` on SQLite,
 * where the order of the `?` in the text is the order of the values, so a statement is written
 * left to right as its values are added.
 */
export class BoundParameters {
  readonly values: unknown[] = [];

  constructor(private readonly dialect: Dialect) {}

  add(value: unknown): string {
    this.values.push(value);
    return this.dialect === 'postgres' ? `$${this.values.length}` : '?';
  }

  list(values: readonly unknown[]): string {
    return values.map((v) => this.add(v)).join(', ');
  }
}
