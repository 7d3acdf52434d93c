/**
 * Stand-ins for the API's read endpoints, to test the pieces the /api/ui mount is built from: the
 * JWT guard, the `@RequestScope()` it fills, the namespace access policy, and the service header
 * guard next to them.
 */
import { Controller, Get, Param } from '@nestjs/common';

import type { AccessScope } from '../../../../api/src/access/access-scope';
import { namespaceFilterFor, visibleNamespaces } from '../../../../api/src/access/namespace-policy';
import { RequestScope } from '../../../../api/src/access/request-scope.decorator';
import { ServiceAuth } from '../../../../api/src/guards/service-auth.decorator';
import { UserAuth } from '../../../../api/src/guards/user-auth.decorator';

export const CLUSTER_NAMESPACES = ['default', 'kube-system', 'lab-a', 'lab-b', 'lab-c'];

@UserAuth()
@Controller('ui/probe')
export class UiProbeController {
  @Get('namespaces')
  probeNamespaces(@RequestScope() scope: AccessScope): string[] {
    return visibleNamespaces(scope, CLUSTER_NAMESPACES);
  }

  @Get('namespaces/:namespace')
  probeNamespace(@RequestScope() scope: AccessScope, @Param('namespace') namespace: string): { namespace: string } {
    namespaceFilterFor(scope, { namespace });
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
