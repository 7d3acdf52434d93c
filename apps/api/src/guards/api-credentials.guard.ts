import { createHash, timingSafeEqual } from 'node:crypto';

import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';

import { SCOPE_PROPERTY } from '../access/request-scope.decorator';
import { actorOf, clientOf, pathOf } from '../audit/audit-caller';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ApiKeyVerifier, NO_API_KEYS } from './api-key-verifier';
import { REQUIRED_ROLE_KEY } from './auth-user';

/** Compares two secrets in constant time, whatever their lengths (both are hashed first). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/**
 * The machine clients' auth: `X-USERNAME` / `X-PASSWORD` must equal `API_USERNAME` / `API_PASSWORD`
 * (the original system's, with its two messages), or `X-API-KEY` a key of the store (its namespaces
 * only; an administrative operation needs a `billing-admin` key, and no key manages keys).
 */
@Injectable()
export class ApiCredentialsGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeyVerifier,
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const key = header(req, 'x-api-key');
    if (key !== undefined) {
      const scope = await this.keys.verify(key);
      const targets = [context.getHandler(), context.getClass()];
      ApiKeyVerifier.assertMay(scope, {
        admin: this.reflector.getAllAndOverride<string | undefined>(REQUIRED_ROLE_KEY, targets) === 'admin',
        noKeys: this.reflector.getAllAndOverride<boolean | undefined>(NO_API_KEYS, targets) === true,
      });
      (req as unknown as Record<string, unknown>)[SCOPE_PROPERTY] = scope;
      // Every admitted request of a key, in the background: batched with others, never delaying this one.
      this.audit.recordInBackground({
        actor: actorOf(scope),
        client: clientOf(req),
        action: 'api-key.use',
        target: `api-key:${scope.id}`,
        detail: { method: req.method, path: pathOf(req) },
      });
      return true;
    }
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
