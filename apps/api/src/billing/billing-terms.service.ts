import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { Assignment, AssignmentSelector, BillingTerms, CsvSyntaxError, parseCsvRecords, selectorKey, UNASSIGNED_COST_CENTRE } from '@kube-monitoring/billing';

import { AccessScope } from '../access/access-scope';
import { actorOf } from '../audit/audit-caller';
import { describeValidationErrors } from '../common/validation-errors';
import { BillingStore, DuplicateVersionError, StoredAssignment, StoredCostCentre, StoredTariff } from '../database/billing/billing-store';
import { AssignmentDto, CostCentreDto, CreateAssignmentDto, CreateCostCentreDto, CreateTariffDto, TariffDto } from './billing.dto';

/** The columns of an assignment import, as in the JSON body; `label`/`value` or `namespace` per row. */
export const ASSIGNMENT_CSV_COLUMNS = ['costCentre', 'namespace', 'label', 'value', 'validFrom'] as const;
/** Rows of one import: a department's namespaces, not a data dump. */
export const MAX_IMPORT_ROWS = 5000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Tariffs, cost centres and assignments: every change a new version from its `validFrom`, never an
 * edit, so an open period is recomputed from the versions in force and a closed one keeps its bytes.
 */
@Injectable()
export class BillingTermsService {
  constructor(private readonly store: BillingStore) {}

  /** Every version of everything: what prices a period. */
  async terms(): Promise<BillingTerms> {
    const [tariffs, costCentres, assignments] = await Promise.all([this.store.tariffs(), this.store.costCentres(), this.store.assignments()]);
    return { tariffs, costCentres, assignments };
  }

  async createTariff(body: CreateTariffDto, by: AccessScope, nowMs = Date.now()): Promise<TariffDto> {
    const versions = (await this.store.tariffs()).filter((t) => t.name === body.name);
    const latest = versions[versions.length - 1];
    if (latest && body.currency !== latest.currency)
      throw new BadRequestException(`currency: tariff "${body.name}" is priced in ${latest.currency}; every version keeps its currency`);
    const validFromMs = body.validFrom.getTime();
    if (latest && validFromMs <= latest.validFromMs) {
      throw new ConflictException(`validFrom: tariff "${body.name}" has a version from ${iso(latest.validFromMs)}; a new version starts later`);
    }
    const prices = {
      cpu_core_hour: body.prices.cpu_core_hour,
      memory_gib_hour: body.prices.memory_gib_hour,
      gpu_hour: body.prices.gpu_hour,
      ...(body.prices.gpu_memory_gb_hour !== undefined ? { gpu_memory_gb_hour: body.prices.gpu_memory_gb_hour } : {}),
    };
    const stored: StoredTariff = {
      name: body.name,
      currency: body.currency,
      validFromMs,
      basis: body.basis,
      prices,
      rounding: { mode: body.rounding.mode, decimals: body.rounding.decimals },
      createdAt: nowMs,
      createdBy: actorOf(by),
    };
    await this.inserting(() => this.store.insertTariff(stored), `validFrom: tariff "${body.name}" has a version from ${iso(validFromMs)}`);
    return tariffView(stored);
  }

  async tariffs(): Promise<TariffDto[]> {
    return (await this.store.tariffs()).map(tariffView);
  }

  async createCostCentre(body: CreateCostCentreDto, by: AccessScope, nowMs = Date.now()): Promise<CostCentreDto> {
    const [tariffs, centres] = await Promise.all([this.store.tariffs(), this.store.costCentres()]);
    if (!tariffs.some((t) => t.name === body.tariff)) throw new BadRequestException(`tariff: no tariff named "${body.tariff}"; create it first (POST /api/billing/tariffs)`);
    const versions = centres.filter((c) => c.code === body.code);
    const latest = versions[versions.length - 1];
    if (latest && !body.validFrom) throw new BadRequestException(`validFrom: cost centre "${body.code}" exists; a new version needs the instant it takes effect`);
    // A cost centre's first version stands for the account since always: usage assigned to it before is priced by it.
    const validFromMs = body.validFrom?.getTime() ?? 0;
    if (latest && validFromMs <= latest.validFromMs) {
      throw new ConflictException(`validFrom: cost centre "${body.code}" has a version from ${iso(latest.validFromMs)}; a new version starts later`);
    }
    const stored: StoredCostCentre = {
      code: body.code,
      validFromMs,
      name: body.name,
      tariff: body.tariff,
      contact: body.contact ?? null,
      createdAt: nowMs,
      createdBy: actorOf(by),
    };
    await this.inserting(() => this.store.insertCostCentre(stored), `validFrom: cost centre "${body.code}" has a version from ${iso(validFromMs)}`);
    return costCentreView(stored);
  }

  async costCentres(): Promise<CostCentreDto[]> {
    return (await this.store.costCentres()).map(costCentreView);
  }

  async createAssignment(body: CreateAssignmentDto, by: AccessScope, nowMs = Date.now()): Promise<AssignmentDto> {
    const [stored] = await this.addAssignments([body], by, nowMs, '');
    return assignmentView(stored as StoredAssignment);
  }

  /** A CSV of assignments, with the columns of the JSON body: all rows are added, or none (400 naming the line and field). */
  async importAssignments(csv: string, by: AccessScope, nowMs = Date.now()): Promise<number> {
    let records: string[][];
    try {
      records = parseCsvRecords(csv);
    } catch (e) {
      if (e instanceof CsvSyntaxError) throw new BadRequestException(`csv: ${e.message}`);
      throw e;
    }
    const [header, ...rows] = records;
    if (!header) throw new BadRequestException(`csv: is empty; the first line names the columns (${ASSIGNMENT_CSV_COLUMNS.join(',')})`);
    const columns = header.map((h) => h.trim());
    const unknown = columns.filter((c) => !(ASSIGNMENT_CSV_COLUMNS as readonly string[]).includes(c));
    if (unknown.length > 0) throw new BadRequestException(`csv: line 1: unknown column "${unknown[0]?.slice(0, 40)}"; the columns are ${ASSIGNMENT_CSV_COLUMNS.join(', ')}`);
    for (const needed of ['costCentre', 'validFrom']) if (!columns.includes(needed)) throw new BadRequestException(`csv: line 1: the column "${needed}" is missing`);
    if (rows.length === 0) throw new BadRequestException('csv: no assignment rows after the header');
    if (rows.length > MAX_IMPORT_ROWS) throw new BadRequestException(`csv: at most ${MAX_IMPORT_ROWS} rows per import`);
    const bodies = rows.map((row, i) => {
      const line = i + 2;
      if (row.length !== columns.length) throw new BadRequestException(`csv: line ${line}: ${row.length} fields where the header has ${columns.length}`);
      const plain: Record<string, string> = {};
      columns.forEach((c, j) => {
        const v = (row[j] as string).trim();
        if (v !== '') plain[c] = v;
      });
      const dto = plainToInstance(CreateAssignmentDto, plain);
      const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length > 0) throw new BadRequestException(`csv: line ${line}: ${describeValidationErrors(errors).join('; ')}`);
      return dto;
    });
    return (await this.addAssignments(bodies, by, nowMs, 'csv: ')).length;
  }

  async assignments(): Promise<AssignmentDto[]> {
    return (await this.store.assignments()).map(assignmentView);
  }

  private async addAssignments(bodies: readonly CreateAssignmentDto[], by: AccessScope, nowMs: number, where: string): Promise<StoredAssignment[]> {
    const codes = new Set((await this.store.costCentres()).map((c) => c.code));
    const existing = new Set((await this.store.assignments()).map((a) => `${selectorKey(a.selector)}@${a.validFromMs}`));
    const line = (i: number) => (bodies.length > 1 || where ? `${where}line ${i + 2}: ` : '');
    const out = bodies.map((body, i): StoredAssignment => {
      const selector = selectorOf(body, line(i));
      if (body.costCentre !== UNASSIGNED_COST_CENTRE && !codes.has(body.costCentre)) {
        throw new BadRequestException(`${line(i)}costCentre: no cost centre "${body.costCentre}"; create it first (POST /api/billing/cost-centres)`);
      }
      const a: Assignment = { selector, costCentre: body.costCentre, validFromMs: body.validFrom.getTime() };
      const key = `${selectorKey(selector)}@${a.validFromMs}`;
      if (existing.has(key))
        throw new ConflictException(
          `${line(i)}validFrom: ${describe(selector)} has an assignment from ${iso(a.validFromMs)}; assignments are never edited, add one from another instant`,
        );
      existing.add(key);
      return { ...a, createdAt: nowMs, createdBy: actorOf(by) };
    });
    await this.inserting(() => this.store.insertAssignments(out), `${where}validFrom: an assignment from that instant exists`);
    return out;
  }

  private async inserting(insert: () => Promise<void>, conflict: string): Promise<void> {
    try {
      await insert();
    } catch (e) {
      // Two concurrent requests for the same version: the database's key decides, the loser hears why.
      if (e instanceof DuplicateVersionError) throw new ConflictException(conflict);
      throw e;
    }
  }
}

function selectorOf(body: CreateAssignmentDto, where: string): AssignmentSelector {
  const byLabel = body.label !== undefined || body.value !== undefined;
  if (body.namespace !== undefined && byLabel) throw new BadRequestException(`${where}namespace: give a namespace, or a label and its value, not both`);
  if (body.namespace !== undefined) return { kind: 'namespace', namespace: body.namespace };
  if (body.label === undefined) throw new BadRequestException(`${where}label: give a namespace, or a label and its value`);
  if (body.value === undefined) throw new BadRequestException(`${where}value: a label assignment needs the label's value`);
  return { kind: 'label', key: body.label, value: body.value };
}

function describe(s: AssignmentSelector): string {
  return s.kind === 'namespace' ? `namespace "${s.namespace}"` : `label ${s.key}=${s.value}`;
}

function tariffView(t: StoredTariff): TariffDto {
  return {
    name: t.name,
    currency: t.currency,
    validFrom: iso(t.validFromMs),
    basis: t.basis,
    prices: { ...t.prices, gpu_memory_gb_hour: t.prices.gpu_memory_gb_hour ?? undefined },
    rounding: t.rounding,
    createdAt: iso(t.createdAt),
    createdBy: t.createdBy,
  };
}

function costCentreView(c: StoredCostCentre): CostCentreDto {
  return { code: c.code, name: c.name, tariff: c.tariff, contact: c.contact, validFrom: iso(c.validFromMs), createdAt: iso(c.createdAt), createdBy: c.createdBy };
}

function assignmentView(a: StoredAssignment): AssignmentDto {
  const s = a.selector;
  return {
    costCentre: a.costCentre,
    ...(s.kind === 'namespace' ? { namespace: s.namespace } : { label: s.key, value: s.value }),
    validFrom: iso(a.validFromMs),
    createdAt: iso(a.createdAt),
    createdBy: a.createdBy,
  };
}
