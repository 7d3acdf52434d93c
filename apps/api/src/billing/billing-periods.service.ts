import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';

import { adjustmentsBetween, BillingPeriodDocument, canonicalJson, Decimal, Invoice, periodBounds, planIntervals, rateInvoices, sha256Hex, sumOf } from '@kube-monitoring/billing';

import { AccessScope, allowedNamespaces } from '../access/access-scope';
import { actorOf } from '../audit/audit-caller';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { BillingStore, DuplicateVersionError } from '../database/billing/billing-store';
import { LedgerWorker } from '../ledger/ledger-worker';
import { BillingMeasureService } from './billing-measure.service';
import { BillingTermsService } from './billing-terms.service';
import { BillingPeriodSummaryDto } from './billing.dto';

/** A period as answered: the document's bytes (a closed version's exactly as stored) and what the headers say. */
export interface PeriodAnswer {
  /** Canonical JSON: a closed version's stored bytes, unchanged whatever happens later. */
  body: string;
  document: BillingPeriodDocument;
  /** The first late hour of a closed period, a hint to restate (not part of the frozen bytes). */
  lateDataSince: string | null;
}

/**
 * Billing periods: an open month is computed from the ledger and the terms on every read; closing
 * freezes it as canonical JSON with its SHA-256 (version 1); a restatement recomputes it into the
 * next version with a reason and its adjustments. Versions are only ever added.
 */
@Injectable()
export class BillingPeriodsService {
  constructor(
    private readonly store: BillingStore,
    private readonly terms: BillingTermsService,
    private readonly measure: BillingMeasureService,
    private readonly ledger: LedgerWorker,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The period's latest version, a given one, or (open) its invoices now. */
  async get(period: string, scope: AccessScope, version?: number, now = new Date()): Promise<PeriodAnswer> {
    const stored = await this.store.periodVersion(period, version);
    if (version !== undefined && !stored) throw new NotFoundException(`version: period ${period} has no version ${version}`);
    const late = stored ? await this.lateDataSince(period) : null;
    if (stored) {
      const document = JSON.parse(stored.document) as BillingPeriodDocument;
      if (allowedNamespaces(scope) === 'all') return { body: stored.document, document, lateDataSince: late };
      const visible = limitTo(document, scope);
      return { body: canonicalJson(visible), document: visible, lateDataSince: late };
    }
    const open = await this.compute(period, now, scope);
    const document = allowedNamespaces(scope) === 'all' ? open : limitTo(open, scope);
    return { body: canonicalJson(document), document, lateDataSince: null };
  }

  /** Freezes an ended, open period as version 1. */
  async close(period: string, by: AccessScope, now = new Date()): Promise<PeriodAnswer> {
    const bounds = periodBounds(period, this.config.billingTimeZone);
    if (bounds.toMs > now.getTime()) throw new ConflictException(`period: ${period} has not ended yet (it ends ${new Date(bounds.toMs).toISOString()}); close it after`);
    if (await this.store.periodVersion(period)) throw new ConflictException(`period: ${period} is closed already; correct it with POST /api/billing/periods/${period}/restate`);
    const computed = await this.compute(period, now);
    return this.freeze({ ...computed, status: 'closed', version: 1, closedBy: actorOf(by) }, null, by, now);
  }

  /** Recomputes a closed period into its next version: its late hours rolled again first, then the terms in force now. */
  async restate(period: string, reason: string, by: AccessScope, now = new Date()): Promise<PeriodAnswer> {
    const before = await this.store.periodVersion(period);
    if (!before) throw new ConflictException(`period: ${period} is open; it is recomputed on every read, and closed with POST /api/billing/periods/${period}/close`);
    const bounds = periodBounds(period, this.config.billingTimeZone);
    const late = (await this.store.lateHoursBetween(bounds.fromMs, bounds.toMs)).map((h) => h.hourMs);
    if (late.length > 0) await this.ledger.rollNow(late);
    const previous = JSON.parse(before.document) as BillingPeriodDocument;
    const computed = await this.compute(period, now);
    const answer = await this.freeze(
      {
        ...computed,
        status: 'closed',
        version: before.version + 1,
        closedBy: actorOf(by),
        reason,
        restates: { version: before.version, sha256: before.sha256 },
        adjustments: adjustmentsBetween(previous, computed),
      },
      reason,
      by,
      now,
    );
    if (late.length > 0) await this.store.clearLateHours(late);
    return answer;
  }

  /** Every closed period's latest version and late-data hint, and the current month (open). */
  async list(now = new Date()): Promise<BillingPeriodSummaryDto[]> {
    const versions = await this.store.periodVersions();
    const latest = new Map<string, (typeof versions)[number]>();
    for (const v of versions) latest.set(v.period, v);
    const current = currentPeriod(now, this.config.billingTimeZone);
    const out: BillingPeriodSummaryDto[] = [];
    for (const [period, v] of latest) out.push({ period, status: 'closed', version: v.version, sha256: v.sha256, lateDataSince: await this.lateDataSince(period) });
    if (!latest.has(current)) out.push({ period: current, status: 'open', version: 0, sha256: null, lateDataSince: null });
    return out.sort((a, b) => (a.period < b.period ? 1 : a.period > b.period ? -1 : 0));
  }

  /** An open period's invoices from the ledger and the terms, now. */
  async compute(period: string, now: Date, scope?: AccessScope): Promise<BillingPeriodDocument> {
    const timeZone = this.config.billingTimeZone;
    const bounds = periodBounds(period, timeZone);
    const terms = await this.terms.terms();
    const intervals = planIntervals(bounds.fromMs, bounds.toMs, terms);
    const invoices = rateInvoices(terms, await this.measure.measure(terms, intervals, now, scope));
    return {
      period,
      from: new Date(bounds.fromMs).toISOString(),
      to: new Date(bounds.toMs).toISOString(),
      timeZone,
      status: 'open',
      version: 0,
      sha256: null,
      invoices,
      generatedAt: now.toISOString(),
    };
  }

  private async freeze(document: BillingPeriodDocument, reason: string | null, by: AccessScope, now: Date): Promise<PeriodAnswer> {
    const unsigned = { ...document, sha256: undefined };
    const sha256 = sha256Hex(canonicalJson(unsigned));
    const frozen: BillingPeriodDocument = { ...document, sha256 };
    const body = canonicalJson(frozen);
    try {
      await this.store.insertPeriodVersion({
        period: document.period,
        version: document.version,
        document: body,
        sha256,
        reason,
        createdAt: now.getTime(),
        createdBy: actorOf(by),
      });
    } catch (e) {
      // Two closings (or restatements) at once: the first one's version stands.
      if (e instanceof DuplicateVersionError) throw new ConflictException(`period: ${document.period} version ${document.version} was written by another request just now`);
      throw e;
    }
    return { body, document: frozen, lateDataSince: null };
  }

  private async lateDataSince(period: string): Promise<string | null> {
    const bounds = periodBounds(period, this.config.billingTimeZone);
    const late = await this.store.lateHoursBetween(bounds.fromMs, bounds.toMs);
    return late[0] ? new Date(late[0].hourMs).toISOString() : null;
  }
}

/** The file name of a period's export: `invoices-2026-10-v2.csv`, `open` while open. */
export function exportFileName(doc: BillingPeriodDocument, stem: string, extension: string): string {
  return `${stem}-${doc.period}-${doc.status === 'open' ? 'open' : `v${doc.version}`}.${extension}`;
}

/** The month an instant falls in, in the billing time zone. */
export function currentPeriod(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(now);
  const part = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${part('year')}-${part('month')}`;
}

/** A caller limited to some namespaces sees their lines only, totals over those (never what others were billed). */
function limitTo(doc: BillingPeriodDocument, scope: AccessScope): BillingPeriodDocument {
  const allowed = allowedNamespaces(scope);
  const sees = (ns: string) => allowed === 'all' || allowed.includes(ns);
  const invoices: Invoice[] = [];
  for (const invoice of doc.invoices) {
    const lines = invoice.lines.filter((l) => sees(l.namespace));
    if (lines.length === 0) continue;
    const amounts = lines.filter((l) => l.amount !== null).map((l) => Decimal.parse(l.amount as string));
    invoices.push({ ...invoice, lines, total: amounts.length > 0 ? sumOf(amounts).toString() : null });
  }
  return { ...doc, invoices, ...(doc.adjustments ? { adjustments: doc.adjustments.filter((a) => sees(a.namespace)) } : {}), partial: true } as BillingPeriodDocument;
}
