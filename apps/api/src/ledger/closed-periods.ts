import { Inject, Injectable } from '@nestjs/common';

import { periodBounds } from '@kube-monitoring/billing';

import { APP_CONFIG, AppConfig } from '../config/app-config';
import { BillingStore } from '../database/billing/billing-store';

export interface ClosedPeriod {
  period: string;
  fromMs: number;
  toMs: number;
}

/**
 * The billing periods that are closed: their hours are not rolled again on request (409) nor
 * silently when late samples land; late hours are noted instead, a hint to restate.
 */
@Injectable()
export class ClosedPeriods {
  constructor(
    private readonly store: BillingStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(): Promise<ClosedPeriod[]> {
    const periods = [...new Set((await this.store.periodVersions()).map((v) => v.period))];
    return periods.map((p) => periodBounds(p, this.config.billingTimeZone));
  }

  /** The closed period an hour falls in, if any. */
  static containing(periods: readonly ClosedPeriod[], hourMs: number): ClosedPeriod | undefined {
    return periods.find((p) => hourMs >= p.fromMs && hourMs < p.toMs);
  }

  /** The first closed period overlapping [fromMs, toMs). */
  static overlapping(periods: readonly ClosedPeriod[], fromMs: number, toMs: number): ClosedPeriod | undefined {
    return periods.filter((p) => p.fromMs < toMs && fromMs < p.toMs).sort((a, b) => a.fromMs - b.fromMs)[0];
  }

  /** Late hours noted in [fromMs, toMs). */
  async lateHoursBetween(fromMs: number, toMs: number): Promise<number[]> {
    return (await this.store.lateHoursBetween(fromMs, toMs)).map((h) => h.hourMs);
  }

  noteLate(hours: readonly number[], nowMs: number): Promise<void> {
    return this.store.noteLateHours(hours, nowMs);
  }

  /** Per closed period with late hours: the first one, and how many. */
  async lateData(): Promise<{ period: string; since: string; hours: number }[]> {
    const out: { period: string; since: string; hours: number }[] = [];
    for (const p of await this.list()) {
      const late = await this.store.lateHoursBetween(p.fromMs, p.toMs);
      if (late[0]) out.push({ period: p.period, since: new Date(late[0].hourMs).toISOString(), hours: late.length });
    }
    return out.sort((a, b) => (a.period < b.period ? -1 : 1));
  }
}
