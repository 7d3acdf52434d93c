import { ForbiddenException, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

import type { LoginResponse, UserView } from '@kube-monitoring/contract';

import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { UserEntity } from '../database/user.entity';
import type { AuthUser } from '../guards/auth-user';
import { toUserView } from '../users/user-view';
import { UsersService } from '../users/users.service';
import type { JwtPayload } from './jwt-payload';
import { LdapSignInService } from './ldap/ldap-sign-in.service';
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
    // Absent only in specs that build the service by hand: then local accounts only.
    private readonly ldap?: LdapSignInService,
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
    const checked = await this.checkCredentials(username, password).catch((err: unknown) => {
      // The directory knows them, no mapped group holds them: refused with 403, and recorded like a failed sign-in.
      if (err instanceof ForbiddenException) {
        this.logger.warn(`login refused for username ${JSON.stringify(username.slice(0, 64))} from ${client.address}: in no mapped group`);
        this.audit.recordInBackground({
          actor: 'anonymous',
          client: client.address,
          action: 'auth.login.failed',
          target: `user:${username.slice(0, 64)}`,
          detail: { source: 'ldap', reason: 'in no mapped group' },
        });
      }
      throw err;
    });
    const user = checked.user;
    if (!user) {
      this.failures.recordFailure(attempt);
      // JSON-quoted and cut: a username is attacker-controlled text going into the log.
      const why = checked.reason ? ` (${checked.reason})` : '';
      this.logger.warn(`login failed for username ${JSON.stringify(username.slice(0, 64))} from ${client.address}${why}`);
      this.audit.recordInBackground({
        actor: 'anonymous',
        client: client.address,
        action: 'auth.login.failed',
        target: `user:${username.slice(0, 64)}`,
        ...(checked.source === 'ldap' ? { detail: { source: 'ldap' } } : {}),
      });
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    this.failures.recordSuccess(attempt);
    const payload: JwtPayload = { sub: String(user.id), ver: user.tokenVersion, role: user.role, ns: user.namespaces };
    const accessToken = await this.jwt.signAsync(payload);
    // No retry: without its entry the token is not handed out, so the sign-in did not happen.
    await this.audit.record(
      { actor: `user:${user.username}`, client: client.address, action: 'auth.login', target: `user:${user.username}`, ...(checked.detail ? { detail: checked.detail } : {}) },
      { retry: false },
    );
    this.logger.log(`login of ${JSON.stringify(user.username)} from ${client.address}`);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwtExpiresInSeconds, user: toUserView(user) };
  }

  /**
   * Who `username` is if `password` is theirs. Local accounts first: a name with a local account is
   * checked against its scrypt hash only, never the directory (so local admins sign in while the
   * directory is down, and the directory cannot take a local name over). Any other name goes to LDAP
   * when it is configured (403 in no mapped group, 503 directory down); accounts of OpenID Connect
   * have no password here.
   */
  private async checkCredentials(
    username: string,
    password: string,
  ): Promise<{ user: UserEntity | null; source: 'local' | 'ldap'; reason?: string; detail?: Record<string, unknown> }> {
    const ldap = this.ldap;
    if (!ldap?.enabled) return { user: await this.users.verifyCredentials(username, password), source: 'local' };
    const existing = await this.users.findByUsername(username);
    if (existing && existing.source === 'local') return { user: await this.users.verifyCredentials(username, password), source: 'local' };
    if (existing && existing.source !== 'ldap') return { user: null, source: 'local', reason: `a ${existing.source} account has no password here` };
    const result = await ldap.signIn(username, password);
    if (!result.ok) return { user: null, source: 'ldap', reason: `LDAP: ${result.reason}` };
    const { user } = result;
    return {
      user,
      source: 'ldap',
      detail: { source: 'ldap', account: result.account, changed: result.changed, role: user.role, namespaces: user.namespaces, groups: result.groups },
    };
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
