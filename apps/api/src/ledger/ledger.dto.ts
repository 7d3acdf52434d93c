import { ApiProperty } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';

import { IsInstant } from '../common/validation.decorators';
import { LedgerStatus } from './ledger-worker';

/** Body of `POST /api/ledger/reroll`. */
export class LedgerRerollRequestDto {
  @ApiProperty({ example: '2026-11-01', description: 'Start of the range to roll again: the hour holding it is the first re-rolled.' })
  @IsDefined({ message: 'from: is required (e.g. 2026-11-01)' })
  @IsInstant()
  from!: Date;

  @ApiProperty({ example: '2026-11-02', description: 'Exclusive end of the range; every hour touching [from, to) is rolled again. Settled hours only.' })
  @IsDefined({ message: 'to: is required (e.g. 2026-11-02)' })
  @IsInstant()
  to!: Date;
}

export class LedgerRerollResponseDto {
  /** Rolled hours in the range, now queued to be rolled again (hours never rolled are rolled by the backfill anyway). */
  hours!: number;
  /** First hour of the range, ISO-8601. */
  from!: string;
  /** End of the last hour of the range, ISO-8601. */
  to!: string;
}

export class LedgerBackfillDto {
  /** First hour the ledger fills from (`LEDGER_BACKFILL_FROM`, else the oldest sample), ISO-8601; null before any data. */
  @ApiProperty({ type: String, nullable: true, example: '2026-10-01T00:00:00.000Z' })
  from!: string | null;
  /** Every settled hour since `from` is rolled. */
  done!: boolean;
  /** Settled hours since `from`. */
  hours!: number;
  /** Of those, the hours rolled. */
  hoursDone!: number;
}

export class LedgerLateDataDto {
  /** The closed period, `YYYY-MM`. */
  period!: string;
  /** Its first hour whose samples changed after it was closed, ISO-8601. */
  since!: string;
  /** How many of its hours did. */
  hours!: number;
}

export class LedgerStatusDto implements LedgerStatus {
  /** End of the last hour of the contiguous rolled run from the first rolled hour, ISO-8601; null before the first roll. */
  @ApiProperty({ type: String, nullable: true, example: '2026-12-04T17:00:00.000Z' })
  rolledThrough!: string | null;
  backfill!: LedgerBackfillDto;
  /** Seconds from `rolledThrough` to the end of the newest settled hour: 0 when the ledger is up to date. */
  lagSeconds!: number;
  /** Pod-hours stored (one pod during one hour). */
  podHours!: number;
  /** Closed billing periods whose samples changed after closing (kept as billed until restated), oldest first. */
  @ApiProperty({ type: () => [LedgerLateDataDto], example: [{ period: '2026-10', since: '2026-10-14T13:00:00.000Z', hours: 2 }] })
  lateData!: LedgerLateDataDto[];
  /** Why the last round failed (the worker retries with backoff), null after a good one. */
  @ApiProperty({ type: String, nullable: true, example: null })
  lastError!: string | null;
}
