import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';

import { hourCeil, hourFloor } from '@kube-monitoring/accounting';
import { MAX_PERIOD_DAYS } from '@kube-monitoring/contract';

import { resolvePeriod } from '../common/period';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LedgerStore } from '../database/ledger/ledger-store';
import { ClosedPeriods } from './closed-periods';
import { LedgerWorker } from './ledger-worker';
import { LedgerRerollResponseDto, LedgerStatusDto } from './ledger.dto';

/** The ledger's operations for the API: its status, and re-rolls. */
@Injectable()
export class LedgerService {
  constructor(
    private readonly worker: LedgerWorker,
    private readonly store: LedgerStore,
    private readonly closed: ClosedPeriods,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  status(): Promise<LedgerStatusDto> {
    return this.worker.status();
  }

  async reroll(from: Date, to: Date): Promise<LedgerRerollResponseDto> {
    if (!this.config.ledger.enabled) throw new ConflictException('The ledger is off (LEDGER_ENABLED=false): nothing is rolled');
    const period = resolvePeriod(from, to, { defaultSpanMs: 0, fields: { begin: 'from', end: 'to' }, maxDays: MAX_PERIOD_DAYS });
    const firstHour = hourFloor(period.from.getTime());
    const endHour = hourCeil(period.to.getTime());
    const settledEnd = this.worker.settledEndMs();
    if (endHour > settledEnd) {
      throw new BadRequestException(
        `to: the hours after ${new Date(settledEnd).toISOString()} are not settled yet (LEDGER_SETTLE_AFTER) and are rolled when they are; ask for a range ending by then`,
      );
    }
    const closed = ClosedPeriods.overlapping(await this.closed.list(), firstHour, endHour);
    if (closed) {
      throw new ConflictException(
        `from: the range holds hours of closed billing period ${closed.period}, which keeps what it was billed from; restate it (POST /api/billing/periods/${closed.period}/restate) to roll them again`,
      );
    }
    const hours = await this.store.markStale(firstHour, endHour);
    if (hours > 0) this.worker.wake();
    return { hours, from: new Date(firstHour).toISOString(), to: new Date(endHour).toISOString() };
  }
}
