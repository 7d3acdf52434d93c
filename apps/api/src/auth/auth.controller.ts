import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { LoginResponse, UserView } from '@kube-monitoring/contract';

import { clientOf } from '../audit/audit-caller';
import { ApiErrorDto } from '../common/api-error.dto';
import type { AuthUser } from '../guards/auth-user';
import { UserAuth } from '../guards/user-auth.decorator';
import { UserViewDto } from '../users/users.dto';
import { LoginDto, LoginResponseDto } from './auth.dto';
import { AuthService } from './auth.service';
import { CurrentUser } from './current-user.decorator';
import { KnownBrowserCookies } from './known-browser-cookie';
import { DEFAULT_LOGIN_LIMITS as LIMITS } from './login-limits';
import { LoginThrottlerGuard } from './login-throttler.guard';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly browsers: KnownBrowserCookies,
  ) {}

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @UseGuards(LoginThrottlerGuard)
  // No credentials needed: an explicit empty requirement overrides any document-wide default.
  @ApiOperation({
    summary: 'Log in and receive a bearer token',
    description:
      'A name with a local account is checked against its local password only. Any other name is checked by the directory when LDAP_URL ' +
      'is set: its groups give role and namespaces at each sign-in, and the account (`source: "ldap"`) is created or updated.',
    security: [],
  })
  @ApiOkResponse({
    type: LoginResponseDto,
    headers: {
      'Set-Cookie': {
        description:
          '`km_known_browser`: HttpOnly, SameSite=Strict, sent back to this path only. Marks the browser as known for this account, ' +
          'so login limits spent by an attacker do not stop it. Grants nothing by itself.',
        schema: { type: 'string' },
      },
    },
  })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'username or password missing or malformed.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'Invalid username or password.' })
  @ApiTooManyRequestsResponse({
    type: ApiErrorDto,
    description:
      `Too many attempts from this address (${LIMITS.perClient.limit} a minute), too many failed logins for this username from this ` +
      `browser or address (after ${LIMITS.perOrigin.freeFailures}, waits doubling up to ${LIMITS.perOrigin.maxDelayMs / 60_000} minutes), ` +
      'or too many failed logins across the API (LOGIN_GLOBAL_FAILURES_PER_MINUTE; browsers that signed in to the account before may ' +
      'still log in). `Retry-After` says when to try again. Failed logins for a username from other addresses only delay the answer ' +
      `(at most ${LIMITS.perUsername.maxDelayMs / 1000} s): nobody can lock the owner out.`,
    headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } } },
  })
  @ApiForbiddenResponse({
    type: ApiErrorDto,
    description: 'LDAP: the directory accepted the password, but the user is in no group AUTH_ROLE_MAP or AUTH_NAMESPACE_MAP maps (no account is made).',
  })
  @ApiServiceUnavailableResponse({
    type: ApiErrorDto,
    description:
      'User database unavailable, or the audit trail (no token is issued without its entry), or, for names without a local account when LDAP ' +
      'is configured, `Directory unavailable` (`Retry-After: 5`; local accounts still sign in).',
  })
  async login(@Body() body: LoginDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<LoginResponse> {
    const knownBrowser = this.browsers.verify(request.headers.cookie, body.username);
    const response = await this.auth.login(body.username, body.password, { address: request.ip, knownBrowser });
    reply.header('set-cookie', this.browsers.issue(response.user.username, { id: knownBrowser, secure: request.protocol === 'https' }));
    return response;
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UserAuth()
  @ApiOperation({
    summary: 'Log out: revoke every token of this user',
    description:
      'Revokes the token sent and every other token issued to the same user until now (all of their sessions, on every device); ' +
      'a new login issues a working token again. Password, role and namespace changes revoke the same way.',
  })
  @ApiNoContentResponse({ description: 'Logged out: the tokens issued so far are refused from now on.' })
  logout(@CurrentUser() user: AuthUser, @Req() request: FastifyRequest): Promise<void> {
    return this.auth.logout(user, clientOf(request));
  }

  @Get('me')
  @UserAuth()
  @ApiOperation({ summary: 'The logged-in user' })
  @ApiOkResponse({ type: UserViewDto })
  me(@CurrentUser() user: AuthUser): Promise<UserView> {
    return this.auth.me(user);
  }
}
