import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

import type { LoginResponse, UserView } from '@kube-monitoring/contract';

import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { AuthUser } from '../guards/auth-user';
import { toUserView } from '../users/user-view';
import { UsersService } from '../users/users.service';
import type { JwtPayload } from './jwt-payload';
import { LoginFailureLimiter } from './login-failure-limiter';

export const INVALID_CREDENTIALS = 'Invalid username or password';

/** Where a login attempt comes from. */
export interface LoginClient {
  address: string;
  /** The browser's known-browser id, when its cookie is valid for the username tried. */
  knownBrowser?: string;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly failures: LoginFailureLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /**
   * Checks the password and issues a token, within the login limits (429, or a bounded delay first).
   * Failures are logged with username and address, never the password, and recorded in the audit
   * trail in the background; a success only once its entry is written (else 503 and no token).
   * Attempts refused by the limits before the password is checked are neither.
   */
  async login(username: string, password: string, client: LoginClient): Promise<LoginResponse> {
    const attempt = { username, address: client.address, knownBrowser: client.knownBrowser };
    const delayMs = this.failures.admit(attempt);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const user = await this.users.verifyCredentials(username, password);
    if (!user) {
      this.failures.recordFailure(attempt);
      // JSON-quoted and cut: a username is attacker-controlled text going into the log.
      this.logger.warn(`login failed for username ${JSON.stringify(username.slice(0, 64))} from ${client.address}`);
      this.audit.recordInBackground({ actor: 'anonymous', client: client.address, action: 'auth.login.failed', target: `user:${username.slice(0, 64)}` });
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    this.failures.recordSuccess(attempt);
    const payload: JwtPayload = { sub: String(user.id), ver: user.tokenVersion, role: user.role, ns: user.namespaces };
    const accessToken = await this.jwt.signAsync(payload);
    // No retry: without its entry the token is not handed out, so the sign-in did not happen.
    await this.audit.record({ actor: `user:${user.username}`, client: client.address, action: 'auth.login', target: `user:${user.username}` }, { retry: false });
    this.logger.log(`login of ${JSON.stringify(user.username)} from ${client.address}`);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwtExpiresInSeconds, user: toUserView(user) };
  }

  me(user: AuthUser): Promise<UserView> {
    return this.users.get(user.username);
  }

  /**
   * Revokes every token of the user, not only the one presented: tokens carry no id of their own, and
   * the version check already runs on each request, so logout costs no deny-list.
   */
  async logout(user: AuthUser, client: string | null = null): Promise<void> {
    await this.users.revokeTokens(user.id);
    await this.audit.record({ actor: `user:${user.username}`, client, action: 'auth.logout', target: `user:${user.username}` });
    this.logger.log(`logout of ${JSON.stringify(user.username)}: every token issued before is revoked`);
  }
}
