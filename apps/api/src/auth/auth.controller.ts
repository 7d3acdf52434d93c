import { Body, Controller, Get, HttpCode, HttpStatus, Ip, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { LoginResponse, UserView } from '@kube-monitoring/contract';

import { ApiErrorDto } from '../openapi/api-error.dto';
import { UserViewDto } from '../users/users.dto';
import { LoginDto, LoginResponseDto } from './auth.dto';
import { AuthService } from './auth.service';
import type { AuthUser } from './auth-user';
import { CurrentUser } from './current-user.decorator';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { UserAuth } from './user-auth.decorator';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @UseGuards(LoginThrottlerGuard)
  // No credentials needed: an explicit empty requirement overrides any document-wide default.
  @ApiOperation({ summary: 'Log in and receive a bearer token', security: [] })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'username or password missing or malformed.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'Invalid username or password.' })
  @ApiTooManyRequestsResponse({ type: ApiErrorDto, description: 'Too many attempts from this address, or too many failures for this username.' })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: 'User database unavailable.' })
  login(@Body() body: LoginDto, @Ip() clientAddress: string): Promise<LoginResponse> {
    return this.auth.login(body.username, body.password, clientAddress);
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
  logout(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.logout(user);
  }

  @Get('me')
  @UserAuth()
  @ApiOperation({ summary: 'The logged-in user' })
  @ApiOkResponse({ type: UserViewDto })
  me(@CurrentUser() user: AuthUser): Promise<UserView> {
    return this.auth.me(user);
  }
}
