import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { AccessScope } from '../access/access-scope';
import { RequestScope } from '../access/request-scope.decorator';
import { ApiErrorDto } from '../common/api-error.dto';
import { ServiceOrAdminAuth } from '../guards/service-or-admin-auth.decorator';
import { ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

/** Machine clients' keys: the service credentials or an admin manage them, never a key. */
@ApiTags('api-keys')
@Controller('api-keys')
@ServiceOrAdminAuth({ apiKeys: false })
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key (shown once; sent as X-API-KEY)' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid body (the message names the field)' })
  create(@Body() body: CreateApiKeyDto, @RequestScope() scope: AccessScope): Promise<CreatedApiKeyDto> {
    return this.keys.create(body, scope);
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
  async revoke(@Param('id') id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
