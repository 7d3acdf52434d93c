import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';

import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ldapSendsPasswordsInClear } from '../config/ldap-config';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';
import { KnownBrowserCookies } from './known-browser-cookie';
import { LdapDirectory } from './ldap/ldap-directory';
import { LDAP_DIRECTORY, LdapSignInService } from './ldap/ldap-sign-in.service';
import { LoginFailureLimiter } from './login-failure-limiter';
import { LOGIN_LIMITS, LoginLimits, loginLimitsFor } from './login-limits';
import { LoginThrottlerStorage } from './login-throttler.guard';

/**
 * People's authentication: login and JWT verification. Import it once in the app (it registers the
 * passport strategy) and in any module whose controllers are behind the JWT guard.
 */
@Module({
  imports: [
    UsersModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { algorithm: 'HS256', expiresIn: config.jwtExpiresInSeconds },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    LdapSignInService,
    { provide: LDAP_DIRECTORY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => (config.ldap ? new LdapDirectory(config.ldap) : null) },
    JwtStrategy,
    JwtAuthGuard,
    LoginThrottlerStorage,
    { provide: LOGIN_LIMITS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loginLimitsFor(config.loginGlobalFailuresPerMinute) },
    {
      provide: LoginFailureLimiter,
      inject: [LOGIN_LIMITS],
      useFactory: (limits: LoginLimits) => {
        const logger = new Logger(LoginFailureLimiter.name);
        return new LoginFailureLimiter(limits, (failures) =>
          logger.warn(
            `${failures} failed logins within ${Math.round(limits.global.windowMs / 1000)} s across the API (password spraying?): ` +
              'until the rate falls, only browsers that signed in to the account before may log in',
          ),
        );
      },
    },
    {
      provide: KnownBrowserCookies,
      inject: [APP_CONFIG, LOGIN_LIMITS],
      useFactory: (config: AppConfig, limits: LoginLimits) => new KnownBrowserCookies(config.jwtSecret, limits.knownBrowserMs),
    },
  ],
  exports: [JwtAuthGuard],
})
export class AuthModule implements OnModuleInit {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    this.warnAboutLdap();
    if (!this.config.jwtSecretGenerated) return;
    // loadConfig already refuses this; repeated here because tokens signed with a per-process secret in
    // production would break on every restart and across replicas.
    if (this.config.nodeEnv === 'production') {
      throw new Error('JWT_SECRET is required when NODE_ENV=production: set it to a long random string');
    }
    new Logger(AuthModule.name).warn('JWT_SECRET is not set: using a random secret for this run, so tokens stop working at restart and differ between replicas');
  }

  private warnAboutLdap(): void {
    const ldap = this.config.ldap;
    if (!ldap) return;
    const logger = new Logger(AuthModule.name);
    const groups = [ldap.groupAttribute ? `attribute ${ldap.groupAttribute}` : '', ldap.groupBase ? `search under ${ldap.groupBase}` : ''].filter(Boolean).join(' and ');
    logger.log(`LDAP sign-in through ${ldap.url}${ldap.startTls ? ' (StartTLS)' : ''}: users under ${ldap.userBase}, groups by ${groups}`);
    if (ldapSendsPasswordsInClear(ldap)) {
      logger.warn(`LDAP_URL ${ldap.url} is plain ldap:// without LDAP_STARTTLS: passwords cross the network in clear text (use ldaps:// or LDAP_STARTTLS=true)`);
    }
    if (!ldap.tlsRejectUnauthorized) logger.warn("LDAP_TLS_REJECT_UNAUTHORIZED=false: the directory's certificate is not checked, anyone in the path can read the passwords");
  }
}
