import type { EntityManager } from 'typeorm';

import { canonicalJson } from '@kube-monitoring/billing';
import type { Assignment, AssignmentSelector, CostCentreVersion, RoundingMode, TariffPrices, TariffVersion } from '@kube-monitoring/billing';
import type { BillingBasis } from '@kube-monitoring/contract';

import { BoundParameters } from '../bound-parameters';
import { UserDatabase } from '../user-database';

/** Who wrote a version, and when. */
export interface Written {
  createdAt: number;
  createdBy: string;
}

export type StoredTariff = TariffVersion & Written;
export type StoredCostCentre = CostCentreVersion & Written;
export type StoredAssignment = Assignment & Written;

/** A frozen version of a closed period: the document's exact bytes and their SHA-256. */
export interface StoredPeriodVersion extends Written {
  period: string;
  version: number;
  document: string;
  sha256: string;
  reason: string | null;
}

/** Thrown when a row with the same key exists (a version for that instant, a period version taken). */
export class DuplicateVersionError extends Error {}

type Row = Record<string, unknown>;
type Query = (sql: string, values?: unknown[]) => Promise<unknown>;

/**
 * Billing's tables, raw SQL with bound parameters. Versions are only ever inserted: a change is a
 * new row from its `valid_from` on, a restatement a new period version.
 */
export class BillingStore {
  constructor(private readonly database: UserDatabase) {}

  private q(): BoundParameters {
    return new BoundParameters(this.database.type);
  }

  private async insert(table: string, row: Record<string, unknown>, query?: Query): Promise<void> {
    const p = this.q();
    const columns = Object.keys(row);
    const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${p.list(columns.map((c) => row[c]))})`;
    try {
      if (query) await query(sql, p.values);
      else await this.database.run((ds) => ds.query(sql, p.values));
    } catch (e) {
      if (isDuplicate(e)) throw new DuplicateVersionError(`${table}: a row with this key exists`);
      throw e;
    }
  }

  private select(sql: string, p?: BoundParameters): Promise<Row[]> {
    return this.database.run((ds) => ds.query(sql, p?.values ?? [])) as Promise<Row[]>;
  }

  async insertTariff(t: StoredTariff): Promise<void> {
    await this.insert('billing_tariffs', {
      name: t.name,
      valid_from: t.validFromMs,
      currency: t.currency,
      basis: t.basis,
      prices: canonicalJson(t.prices),
      rounding_mode: t.rounding.mode,
      rounding_decimals: t.rounding.decimals,
      created_at: t.createdAt,
      created_by: t.createdBy,
    });
  }

  /** Every version of every tariff, by name then `valid_from`. */
  async tariffs(): Promise<StoredTariff[]> {
    const rows = await this.select(`SELECT * FROM "billing_tariffs" ORDER BY "name", "valid_from"`);
    return rows.map((r) => ({
      name: String(r['name']),
      validFromMs: Number(r['valid_from']),
      currency: String(r['currency']),
      basis: String(r['basis']) as BillingBasis,
      prices: JSON.parse(String(r['prices'])) as TariffPrices,
      rounding: { mode: String(r['rounding_mode']) as RoundingMode, decimals: Number(r['rounding_decimals']) },
      ...written(r),
    }));
  }

  async insertCostCentre(c: StoredCostCentre): Promise<void> {
    await this.insert('billing_cost_centres', {
      code: c.code,
      valid_from: c.validFromMs,
      name: c.name,
      tariff: c.tariff,
      contact: c.contact,
      created_at: c.createdAt,
      created_by: c.createdBy,
    });
  }

  async costCentres(): Promise<StoredCostCentre[]> {
    const rows = await this.select(`SELECT * FROM "billing_cost_centres" ORDER BY "code", "valid_from"`);
    return rows.map((r) => ({
      code: String(r['code']),
      validFromMs: Number(r['valid_from']),
      name: String(r['name']),
      tariff: String(r['tariff']),
      contact: r['contact'] === null || r['contact'] === undefined ? null : String(r['contact']),
      ...written(r),
    }));
  }

  /** Several assignments at once, all or none (a CSV import). */
  async insertAssignments(assignments: readonly StoredAssignment[]): Promise<void> {
    const rows = assignments.map(assignmentRow);
    if (rows.length === 1) return this.insert('billing_assignments', rows[0] as Row);
    await this.database.transaction(async (manager: EntityManager) => {
      for (const row of rows) await this.insert('billing_assignments', row, (sql, values) => manager.query(sql, values));
    });
  }

  async assignments(): Promise<StoredAssignment[]> {
    const rows = await this.select(`SELECT * FROM "billing_assignments" ORDER BY "selector", "valid_from"`);
    return rows.map((r) => {
      const selector: AssignmentSelector =
        r['kind'] === 'label' ? { kind: 'label', key: String(r['label_key']), value: String(r['label_value']) } : { kind: 'namespace', namespace: String(r['namespace']) };
      return { selector, costCentre: String(r['cost_centre']), validFromMs: Number(r['valid_from']), ...written(r) };
    });
  }

  /** Adds a period version; DuplicateVersionError when that version exists (closed twice, or a concurrent restatement). */
  async insertPeriodVersion(v: StoredPeriodVersion): Promise<void> {
    await this.insert('billing_period_versions', {
      period: v.period,
      version: v.version,
      document: v.document,
      sha256: v.sha256,
      reason: v.reason,
      created_at: v.createdAt,
      created_by: v.createdBy,
    });
  }

  /** A period's version (the latest without `version`); undefined while the period is open. */
  async periodVersion(period: string, version?: number): Promise<StoredPeriodVersion | undefined> {
    const p = this.q();
    // Placeholders in text order: SQLite's `?` are positional.
    const where = `"period" = ${p.add(period)}`;
    const which = version === undefined ? `ORDER BY "version" DESC LIMIT 1` : `AND "version" = ${p.add(version)}`;
    const rows = await this.select(`SELECT * FROM "billing_period_versions" WHERE ${where} ${which}`, p);
    const r = rows[0];
    return r ? periodVersionOf(r) : undefined;
  }

  /** Every closed period's versions, without their documents: period, version, hash, when. */
  async periodVersions(): Promise<Omit<StoredPeriodVersion, 'document'>[]> {
    const rows = await this.select(`SELECT "period", "version", "sha256", "reason", "created_at", "created_by" FROM "billing_period_versions" ORDER BY "period", "version"`);
    return rows.map((r) => ({
      period: String(r['period']),
      version: Number(r['version']),
      sha256: String(r['sha256']),
      reason: r['reason'] == null ? null : String(r['reason']),
      ...written(r),
    }));
  }

  /** Records hours whose samples changed after they were rolled (first detection kept). */
  async noteLateHours(hours: readonly number[], detectedAt: number): Promise<void> {
    const known = new Set(await this.lateHoursBetween(Math.min(...hours), Math.max(...hours) + 1).then((l) => l.map((h) => h.hourMs)));
    for (const hour of hours) {
      if (known.has(hour)) continue;
      try {
        await this.insert('ledger_late_hours', { hour_start: hour, detected_at: detectedAt });
      } catch (e) {
        if (!(e instanceof DuplicateVersionError)) throw e;
      }
    }
  }

  /** Late hours in [fromMs, toMs), oldest first. */
  async lateHoursBetween(fromMs: number, toMs: number): Promise<{ hourMs: number; detectedAt: number }[]> {
    const p = this.q();
    const rows = await this.select(
      `SELECT "hour_start", "detected_at" FROM "ledger_late_hours" WHERE "hour_start" >= ${p.add(fromMs)} AND "hour_start" < ${p.add(toMs)} ORDER BY "hour_start"`,
      p,
    );
    return rows.map((r) => ({ hourMs: Number(r['hour_start']), detectedAt: Number(r['detected_at']) }));
  }

  /** Forgets late hours once a restatement has rolled them again. */
  async clearLateHours(hours: readonly number[]): Promise<void> {
    for (const hour of hours) {
      const p = this.q();
      await this.database.run((ds) => ds.query(`DELETE FROM "ledger_late_hours" WHERE "hour_start" = ${p.add(hour)}`, p.values));
    }
  }
}

function assignmentRow(a: StoredAssignment): Row {
  const s = a.selector;
  return {
    selector: s.kind === 'namespace' ? `namespace:${s.namespace}` : `label:${s.key}=${s.value}`,
    valid_from: a.validFromMs,
    kind: s.kind,
    namespace: s.kind === 'namespace' ? s.namespace : null,
    label_key: s.kind === 'label' ? s.key : null,
    label_value: s.kind === 'label' ? s.value : null,
    cost_centre: a.costCentre,
    created_at: a.createdAt,
    created_by: a.createdBy,
  };
}

function periodVersionOf(r: Row): StoredPeriodVersion {
  return {
    period: String(r['period']),
    version: Number(r['version']),
    document: String(r['document']),
    sha256: String(r['sha256']),
    reason: r['reason'] == null ? null : String(r['reason']),
    ...written(r),
  };
}

function written(r: Row): Written {
  return { createdAt: Number(r['created_at']), createdBy: String(r['created_by']) };
}

function isDuplicate(e: unknown): boolean {
  const code = (e as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (e as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
