import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';

import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { LoginFailureLimiter } from './login-failure-limiter';
import { DEFAULT_LOGIN_LIMITS, LOGIN_LIMITS, LoginLimits } from './login-limits';
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
    JwtStrategy,
    JwtAuthGuard,
    LoginThrottlerStorage,
    { provide: LOGIN_LIMITS, useValue: DEFAULT_LOGIN_LIMITS },
    {
      provide: LoginFailureLimiter,
      inject: [LOGIN_LIMITS],
      useFactory: (limits: LoginLimits) => new LoginFailureLimiter(limits.perUsername.failures, limits.perUsername.windowMs),
    },
  ],
  exports: [JwtAuthGuard],
})
export class AuthModule implements OnModuleInit {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    if (!this.config.jwtSecretGenerated) return;
    // loadConfig already refuses this; repeated here because tokens signed with a per-process secret in
    // production would break on every restart and across replicas.
    if (this.config.nodeEnv === 'production') {
      throw new Error('JWT_SECRET is required when NODE_ENV=production: set it to a long random string');
    }
    new Logger(AuthModule.name).warn(
      'JWT_SECRET is not set: using a random secret for this run, so tokens stop working at restart and differ between replicas',
    );
  }
}
