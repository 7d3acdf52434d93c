import { ConflictException, ForbiddenException, Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';

import { USERNAME_PATTERN } from '@kube-monitoring/contract';

import { APP_CONFIG, AppConfig } from '../../config/app-config';
import type { UserEntity } from '../../database/user.entity';
import { UsersService } from '../../users/users.service';
import { DirectoryUnavailableError, LdapDirectory } from './ldap-directory';

/** 503 while the directory cannot be asked: LDAP users cannot sign in, local accounts still can. */
export class DirectoryUnavailableException extends ServiceUnavailableException {
  readonly headers = { 'retry-after': '5' };

  constructor() {
    super('Directory unavailable: LDAP sign-in is not possible right now (local accounts still sign in)');
  }
}

export const NO_MAPPED_GROUP =
  'Signed in to the directory, but in no group mapped to a role or namespaces here (AUTH_ROLE_MAP, AUTH_NAMESPACE_MAP): ask an administrator for access';

/** The directory, when LDAP is configured; a DI token so specs may hand in another. */
export const LDAP_DIRECTORY = Symbol('LDAP_DIRECTORY');

export type LdapSignInResult =
  | { ok: true; user: UserEntity; account: 'created' | 'updated' | 'unchanged'; changed: string[]; groups: string[] }
  /** Wrong password, unknown user, an entry this API cannot hold, a local account's name: 401 alike. */
  | { ok: false; reason: string };

/**
 * An LDAP sign-in: the directory checks the password, the group mapping gives role and namespaces,
 * and the account is created or brought up to date (`source: "ldap"`, no local password) — at every
 * sign-in, so a group change shows at the next one. Refusals: 401 (returned), 403 in no mapped group,
 * 503 directory down (thrown).
 */
@Injectable()
export class LdapSignInService {
  private readonly logger = new Logger('LdapSignIn');

  constructor(
    @Inject(LDAP_DIRECTORY) private readonly directory: LdapDirectory | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  get enabled(): boolean {
    return this.directory !== null;
  }

  async signIn(login: string, password: string): Promise<LdapSignInResult> {
    if (!this.directory) return { ok: false, reason: 'LDAP is not configured' };
    let answer;
    try {
      answer = await this.directory.authenticate(login, password);
    } catch (err) {
      if (!(err instanceof DirectoryUnavailableError)) throw err;
      this.logger.error(err.message);
      throw new DirectoryUnavailableException();
    }
    if (!answer.ok) return { ok: false, reason: answer.detail ? `${answer.reason}: ${answer.detail}` : answer.reason };

    const { account } = answer;
    if (!USERNAME_PATTERN.test(account.username)) {
      return { ok: false, reason: `unusable-entry: the directory's name ${JSON.stringify(account.username.slice(0, 64))} breaks the username rule` };
    }
    const resolution = this.config.groupMapping.resolve(account.groups);
    if (!resolution.granted) {
      await this.withdraw(account.username);
      throw new ForbiddenException(NO_MAPPED_GROUP);
    }
    try {
      const { user, created, changed } = await this.users.provisionExternal('ldap', {
        username: account.username,
        email: account.email,
        role: resolution.grant.role,
        namespaces: resolution.grant.namespaces,
      });
      return { ok: true, user, account: created ? 'created' : changed.length > 0 ? 'updated' : 'unchanged', changed, groups: resolution.groups };
    } catch (err) {
      // A local (or OIDC) account of that name: the directory may not take it over.
      if (err instanceof ConflictException) return { ok: false, reason: `name-taken: ${err.message}` };
      throw err;
    }
  }

  /** Someone the directory still knows but no mapped group holds any longer: their account here grants nothing, their sessions end. */
  private async withdraw(username: string): Promise<void> {
    const existing = await this.users.findByUsername(username);
    if (existing?.source !== 'ldap') return;
    const { changed } = await this.users.provisionExternal('ldap', { username, email: existing.email, role: 'viewer', namespaces: [] });
    if (changed.length > 0) this.logger.warn(`LDAP user ${JSON.stringify(username)} is in no mapped group any more: role viewer, no namespaces, sessions ended`);
  }
}
