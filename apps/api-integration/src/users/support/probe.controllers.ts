/**
 * Stand-ins for the API's read endpoints, to test the pieces the /api/ui mount is built from: the
 * JWT guard, `@CurrentUser()`, `NamespaceScope`, the `@RequestScope()` the guard fills, and the service
 * header guard next to them.
 */
import { Controller, Get, Param } from '@nestjs/common';

import type { AccessScope } from '../../../../api/src/access/access-scope';
import { RequestScope } from '../../../../api/src/access/request-scope.decorator';
import type { AuthUser } from '../../../../api/src/auth/auth-user';
import { CurrentUser } from '../../../../api/src/auth/current-user.decorator';
import { NamespaceScope } from '../../../../api/src/auth/namespace-scope';
import { UserAuth } from '../../../../api/src/auth/user-auth.decorator';
import { ServiceAuth } from '../../../../api/src/decorators/service-auth.decorator';

export const CLUSTER_NAMESPACES = ['default', 'kube-system', 'lab-a', 'lab-b', 'lab-c'];

@UserAuth()
@Controller('ui/probe')
export class UiProbeController {
  constructor(private readonly scope: NamespaceScope) {}

  @Get('namespaces')
  probeNamespaces(@CurrentUser() user: AuthUser): string[] {
    return this.scope.filterNamespaces(user, CLUSTER_NAMESPACES);
  }

  @Get('namespaces/:namespace')
  probeNamespace(@CurrentUser() user: AuthUser, @Param('namespace') namespace: string): { namespace: string } {
    this.scope.assertAllowed(user, namespace);
    return { namespace };
  }

  @Get('scope')
  probeScope(@RequestScope() scope: AccessScope): AccessScope {
    return scope;
  }
}

@ServiceAuth()
@Controller('probe')
export class ServiceProbeController {
  @Get('service')
  probeService(): { ok: true } {
    return { ok: true };
  }
}
