import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

import type { UserView } from '@kube-monitoring/contract';

import { auditCaller } from '../audit/audit-caller';
import { AuditService } from '../audit/audit.service';
import { ApiErrorDto } from '../common/api-error.dto';
import { UserAuth } from '../guards/user-auth.decorator';
import { CreateUserDto, UpdateUserDto, UserViewDto } from './users.dto';
import { UsersService } from './users.service';

const USERNAME_PARAM = { name: 'username', description: 'Login name of the user.', example: 'alice' };

/** What a change changed, for the audit trail: the fields given, and the new grants (a password only by name). */
function changeOf(body: UpdateUserDto, user: UserView): Record<string, unknown> {
  const changed = Object.entries(body)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k)
    .sort();
  return { changed, ...(body.role !== undefined && { role: user.role }), ...(body.namespaces !== undefined && { namespaces: user.namespaces }) };
}

/** User management: list, create, change and delete accounts; admins only. Each change is in the audit trail (503 when it cannot be). */
@ApiTags('users')
@UserAuth({ role: 'admin' })
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List dashboard users' })
  @ApiOkResponse({ type: [UserViewDto] })
  listUsers(): Promise<UserView[]> {
    return this.users.list();
  }

  @Post()
  @ApiOperation({ summary: 'Create a dashboard user' })
  @ApiCreatedResponse({ type: UserViewDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'A field is invalid (the message names it), e.g. a weak password.' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The username is already taken.' })
  async createUser(@Body() body: CreateUserDto, @Req() request: FastifyRequest): Promise<UserView> {
    const user = await this.users.create(body);
    await this.audit.record({ ...auditCaller(request), action: 'user.create', target: `user:${user.username}`, detail: { role: user.role, namespaces: user.namespaces } });
    return user;
  }

  @Patch(':username')
  @ApiOperation({ summary: 'Change a user (e-mail, password, role, namespaces)' })
  @ApiParam(USERNAME_PARAM)
  @ApiOkResponse({ type: UserViewDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'A field is invalid (the message names it).' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such user.' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The change would demote the last admin.' })
  async updateUser(@Param('username') username: string, @Body() body: UpdateUserDto, @Req() request: FastifyRequest): Promise<UserView> {
    const user = await this.users.update(username, body);
    await this.audit.record({ ...auditCaller(request), action: 'user.update', target: `user:${user.username}`, detail: changeOf(body, user) });
    return user;
  }

  @Delete(':username')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a user' })
  @ApiParam(USERNAME_PARAM)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such user.' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The user is the last admin.' })
  async deleteUser(@Param('username') username: string, @Req() request: FastifyRequest): Promise<void> {
    await this.users.delete(username);
    await this.audit.record({ ...auditCaller(request), action: 'user.delete', target: `user:${username}` });
  }
}
