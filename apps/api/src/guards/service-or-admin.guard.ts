import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { FastifyRequest } from 'fastify';

import { ApiCredentialsGuard } from './api-credentials.guard';
import { JwtAuthGuard } from './jwt-auth.guard';

/**
 * Operations for the billing system or an administrator: a bearer token is checked as a person's
 * (the admin role is required through `REQUIRED_ROLE_KEY`), anything else as the service credentials.
 */
@Injectable()
export class ServiceOrAdminGuard implements CanActivate {
  constructor(
    private readonly service: ApiCredentialsGuard,
    private readonly jwt: JwtAuthGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const authorization = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    return typeof authorization === 'string' && /^bearer\s/i.test(authorization) ? this.jwt.canActivate(context) : this.service.canActivate(context);
  }
}
