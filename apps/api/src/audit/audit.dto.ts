import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';

import { IsInstant, IsIntInRange } from '../common/validation.decorators';
import type { AuditEntry, AuditVerification } from '../database/audit/audit-chain';
import { AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, type AuditPage } from './audit.service';

/** Largest seq a page may start after (the largest integer JSON numbers hold exactly). */
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** Query of `GET /api/audit`. */
export class AuditQueryDto {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'Only entries that happened at or after this instant (ISO-8601 date or date-time, UTC unless an offset is given).' })
  @IsOptional()
  @IsInstant()
  from?: Date;

  @ApiPropertyOptional({ example: '2026-12-01', description: 'Only entries that happened before this instant; after `from`.' })
  @IsOptional()
  @IsInstant()
  to?: Date;

  @ApiPropertyOptional({ type: 'integer', example: 0, description: 'Entries after this seq: 0 (the default) from the first, else the `next` of the page before.' })
  @IsOptional()
  @IsIntInRange(0, MAX_SEQ)
  after?: number;

  @ApiPropertyOptional({ type: 'integer', example: AUDIT_PAGE_DEFAULT, description: `Entries in the page, at most ${AUDIT_PAGE_MAX} (default ${AUDIT_PAGE_DEFAULT}).` })
  @IsOptional()
  @IsIntInRange(1, AUDIT_PAGE_MAX)
  limit?: number;
}

export class AuditEntryDto implements AuditEntry {
  /** Position in the trail: 1, 2, 3, … without gaps, in the order entries were written. */
  @ApiProperty({ type: 'integer', example: 42 })
  seq!: number;

  /** When it happened, ISO-8601 UTC with milliseconds (entries written later, after an outage, keep their own time). */
  @ApiProperty({ example: '2026-12-07T10:00:00.000Z' })
  at!: string;

  /** Who: `user:<username>`, `service` (the service credentials), `api-key:<id>`, `cli` (the users CLI), `anonymous` (a failed sign-in). */
  @ApiProperty({ example: 'user:alice' })
  actor!: string;

  @ApiProperty({ type: String, nullable: true, example: '192.0.2.10', description: "The client's IP address (through the proxies `TRUST_PROXY` names); null for the CLI." })
  client!: string | null;

  /** What was done, e.g. `auth.login`, `auth.login.failed`, `user.update`, `api-key.use`, `ledger.reroll`, `usage.export`. */
  @ApiProperty({ example: 'user.update' })
  action!: string;

  @ApiProperty({ type: String, nullable: true, example: 'user:bob', description: 'What it was done to: `user:<username>`, `api-key:<id>`, …; null when nothing in particular.' })
  target!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { changed: ['namespaces'], namespaces: ['lab-a'] },
    description: 'Particulars (never a secret), or null; hashed as this JSON value. A string only when the stored text is not JSON, which only tampering causes.',
  })
  detail!: AuditEntry['detail'];

  /** `hash` of the entry before (64 zeros for the first). */
  @ApiProperty({ example: '9f2c…' })
  prev!: string;

  /** SHA-256 (hex) of the canonical JSON (keys sorted, no whitespace) of this entry without `hash`. */
  @ApiProperty({ example: 'e3b0…' })
  hash!: string;
}

export class AuditPageDto implements AuditPage {
  @ApiProperty({ type: [AuditEntryDto] })
  entries!: AuditEntryDto[];

  @ApiProperty({ type: 'integer', nullable: true, example: 142, description: 'Send it as `after` for the next page; null when this is the last.' })
  next!: number | null;
}

export class AuditVerificationDto implements AuditVerification {
  /** Every entry holds the hash of its content, the hash of the entry before, and the next seq. */
  ok!: boolean;

  /** Entries checked (all of them). */
  @ApiProperty({ type: 'integer', example: 1200 })
  entries!: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: null,
    description: 'The first entry whose hash, `prev` or `seq` is wrong (edited, replaced, or after a deleted one); null when ok.',
  })
  firstBroken!: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'e3b0…',
    description: 'Hash of the newest entry, null for an empty trail. Kept outside the database, it also shows when newest entries were cut off.',
  })
  lastHash!: string | null;
}
