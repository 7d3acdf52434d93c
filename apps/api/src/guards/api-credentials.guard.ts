import { createHash, timingSafeEqual } from 'node:crypto';

import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { FastifyRequest } from 'fastify';

import { APP_CONFIG, AppConfig } from '../config/app-config';

/** Compares two secrets in constant time, whatever their lengths (both are hashed first). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/**
 * The machine-client auth of the original system: `X-USERNAME` / `X-PASSWORD` must equal
 * `API_USERNAME` / `API_PASSWORD`, with its two messages.
 */
@Injectable()
export class ApiCredentialsGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const username = header(req, 'x-username');
    const password = header(req, 'x-password');
    if (username === undefined || password === undefined) throw new UnauthorizedException('You are not authorized');
    // Evaluate both comparisons so timing does not reveal which one failed.
    const userOk = secretsEqual(username, this.config.apiUsername);
    const passOk = secretsEqual(password, this.config.apiPassword);
    if (!(userOk && passOk)) throw new UnauthorizedException('Username and password is not recognized');
    return true;
  }
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
