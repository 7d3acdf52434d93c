import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

import { auditCaller } from '../audit/audit-caller';
import { AuditService } from '../audit/audit.service';
import { ApiErrorDto } from '../common/api-error.dto';
import { ServiceOrAdminAuth } from '../guards/service-or-admin-auth.decorator';
import { LedgerRerollRequestDto, LedgerRerollResponseDto, LedgerStatusDto } from './ledger.dto';
import { LedgerService } from './ledger.service';

/** The usage ledger: its state, and re-rolls after a bulk backfill of samples. */
@ApiTags('ledger')
@Controller('ledger')
@ServiceOrAdminAuth()
export class LedgerController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'State of the usage ledger: rolled through, backfill progress, lag, size, last error',
    description: "Hourly rollups of every pod's usage, rolled once an hour is settled (`LEDGER_SETTLE_AFTER`). Reports read rolled hours from it. See docs/ledger.md.",
  })
  @ApiOkResponse({ type: LedgerStatusDto })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: '`User database unavailable` (the ledger lives there).' })
  status(): Promise<LedgerStatusDto> {
    return this.ledger.status();
  }

  @Post('reroll')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Roll a range of hours again (after a bulk backfill of samples)',
    description: 'Queues every rolled hour touching [from, to) to be rolled again from the samples stored now; reports keep the old figures until each hour is replaced.',
  })
  @ApiAcceptedResponse({ type: LedgerRerollResponseDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'A bad instant, `to` not after `from`, over 366 days, or hours not settled yet (the message names the field).' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The ledger is off (`LEDGER_ENABLED=false`).' })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: '`User database unavailable`, or the audit trail (the hours are then queued all the same).' })
  async reroll(@Body() body: LedgerRerollRequestDto, @Req() request: FastifyRequest): Promise<LedgerRerollResponseDto> {
    const queued = await this.ledger.reroll(body.from, body.to);
    await this.audit.record({ ...auditCaller(request), action: 'ledger.reroll', target: null, detail: { from: queued.from, to: queued.to, hours: queued.hours } });
    return queued;
  }
}
