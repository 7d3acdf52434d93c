import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';

import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { AuthUser, JWT_STRATEGY, JwtPayload } from './auth-user';

/**
 * Accepts `Authorization: Bearer <jwt>` signed HS256 with our secret, with `iat` and `exp`, and not expired (passport-jwt
 * verifies with `algorithms: ['HS256']`, so `alg: none` and foreign algorithms fail), then re-reads the
 * user: a deleted user is refused and a demoted or re-scoped one gets their new rights.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly users: UsersService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwtSecret,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(payload: Partial<JwtPayload> & { exp?: unknown; iat?: unknown }): Promise<AuthUser> {
    // passport-jwt checks `exp` only when present: a token without it would never expire.
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') throw new UnauthorizedException('Invalid token: no expiry');
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new UnauthorizedException('Invalid token: no subject');
    const user = await this.users.findIdentity(payload.sub);
    if (!user) throw new UnauthorizedException('Invalid token: this user no longer exists');
    return user;
  }
}
