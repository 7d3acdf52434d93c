import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
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

import type { UserView } from '@kube-monitoring/contract';

import { ApiErrorDto } from '../common/api-error.dto';
import { UserAuth } from '../guards/user-auth.decorator';
import { CreateUserDto, UpdateUserDto, UserViewDto } from './users.dto';
import { UsersService } from './users.service';

const USERNAME_PARAM = { name: 'username', description: 'Login name of the user.', example: 'alice' };

/** User management: list, create, change and delete accounts; admins only. */
@ApiTags('users')
@UserAuth({ role: 'admin' })
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

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
  createUser(@Body() body: CreateUserDto): Promise<UserView> {
    return this.users.create(body);
  }

  @Patch(':username')
  @ApiOperation({ summary: 'Change a user (e-mail, password, role, namespaces)' })
  @ApiParam(USERNAME_PARAM)
  @ApiOkResponse({ type: UserViewDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'A field is invalid (the message names it).' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such user.' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The change would demote the last admin.' })
  updateUser(@Param('username') username: string, @Body() body: UpdateUserDto): Promise<UserView> {
    return this.users.update(username, body);
  }

  @Delete(':username')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a user' })
  @ApiParam(USERNAME_PARAM)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such user.' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The user is the last admin.' })
  deleteUser(@Param('username') username: string): Promise<void> {
    return this.users.delete(username);
  }
}
