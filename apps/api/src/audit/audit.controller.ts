import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrorDto } from '../common/api-error.dto';
import { ServiceOrAdminAuth } from '../guards/service-or-admin-auth.decorator';
import { UserAuth } from '../guards/user-auth.decorator';
import { AuditPageDto, AuditQueryDto, AuditVerificationDto } from './audit.dto';
import { AuditService } from './audit.service';

/**
 * The audit trail, for admins: written once, mounted twice — under `/api` for the service
 * credentials (or an admin's token), under `/api/ui` for the dashboard's admins. No API key reads it:
 * it says who signed in from where.
 */
@ApiTags('audit')
export abstract class AuditEndpoints {
  constructor(private readonly audit: AuditService) {}

  @Get('audit')
  @ApiOperation({
    summary: 'Audit trail entries, oldest first (paged by seq)',
    description:
      'Sign-ins and failures, logouts, user and API-key changes, API-key use, ledger re-rolls, usage reports and CSV downloads: who, when, from where, what. ' +
      'Each entry holds the SHA-256 of the one before (docs/security.md, "Audit trail").',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'A bad `from`, `to`, `after` or `limit`, or `to` not after `from` (the message names the field).' })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: '`User database unavailable` (the trail lives there).' })
  auditEntries(@Query() query: AuditQueryDto): Promise<AuditPageDto> {
    return this.audit.list(query);
  }

  @Get('audit/verify')
  @ApiOperation({
    summary: 'Recompute the audit chain: is every entry intact and linked?',
    description: 'Reads the whole trail in order, recomputing each hash; `firstBroken` names the first entry edited, replaced or following a deleted one.',
  })
  @ApiOkResponse({ type: AuditVerificationDto })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: '`User database unavailable`.' })
  verifyAuditTrail(): Promise<AuditVerificationDto> {
    return this.audit.verify();
  }
}

@Controller()
@ServiceOrAdminAuth({ apiKeys: false })
export class AuditController extends AuditEndpoints {}

/** The same handlers for the dashboard: an admin's token. */
@Controller('ui')
@UserAuth({ role: 'admin' })
export class UiAuditController extends AuditEndpoints {}
