import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

import { AccessScope } from '../access/access-scope';
import { RequestScope } from '../access/request-scope.decorator';
import { auditCaller } from '../audit/audit-caller';
import { AuditService } from '../audit/audit.service';
import { ApiErrorDto } from '../common/api-error.dto';
import { ServiceOrAdminAuth } from '../guards/service-or-admin-auth.decorator';
import { ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

/** Machine clients' keys: the service credentials or an admin manage them, never a key. Each change is in the audit trail. */
@ApiTags('api-keys')
@Controller('api-keys')
@ServiceOrAdminAuth({ apiKeys: false })
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly audit: AuditService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key (shown once; sent as X-API-KEY)' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid body (the message names the field)' })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: '`User database unavailable`, or the audit trail (the key is then created but not shown).' })
  async create(@Body() body: CreateApiKeyDto, @RequestScope() scope: AccessScope, @Req() request: FastifyRequest): Promise<CreatedApiKeyDto> {
    const created = await this.keys.create(body, scope);
    const detail = { name: created.name, scope: created.scope, namespaces: created.namespaces, expiresAt: created.expiresAt };
    await this.audit.record({ ...auditCaller(request), action: 'api-key.create', target: `api-key:${created.id}`, detail });
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'Every API key, without secrets, with its last use' })
  @ApiOkResponse({ type: ApiKeyListDto })
  async list(): Promise<ApiKeyListDto> {
    return { keys: await this.keys.list() };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key, at once' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such key, or revoked already' })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: '`User database unavailable`, or the audit trail (the key is then revoked all the same).' })
  async revoke(@Param('id') id: string, @Req() request: FastifyRequest): Promise<void> {
    await this.keys.revoke(id);
    await this.audit.record({ ...auditCaller(request), action: 'api-key.revoke', target: `api-key:${id}` });
  }
}
