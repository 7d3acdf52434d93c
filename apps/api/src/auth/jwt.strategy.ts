import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';

import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AuthUser, JWT_STRATEGY } from '../guards/auth-user';
import { UsersService } from '../users/users.service';
import { JwtPayload } from './jwt-payload';
import { TOKEN_REVOKED, tokenSubject } from './token-subject';

/**
 * Accepts `Authorization: Bearer <jwt>` signed HS256 with our secret, with `iat` and `exp`, and not expired (passport-jwt
 * verifies with `algorithms: ['HS256']`, so `alg: none` and foreign algorithms fail), then re-reads the
 * account the token names by id: a deleted account is refused, and so is a token whose version the
 * account has since raised (logout, password, role or namespace change).
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
    const { id, version } = tokenSubject(payload);
    const user = await this.users.findIdentity(id);
    if (!user) throw new UnauthorizedException('Invalid token: this user no longer exists');
    if (user.tokenVersion !== version) throw new UnauthorizedException(TOKEN_REVOKED);
    return user;
  }
}
