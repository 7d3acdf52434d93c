import { ExecutionContext } from '@nestjs/common';

import { ApiCredentialsGuard } from './api-credentials.guard';
import { JwtAuthGuard } from './jwt-auth.guard';
import { ServiceOrAdminGuard } from './service-or-admin.guard';

function contextWith(headers: Record<string, string>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => ({ headers }) }) } as unknown as ExecutionContext;
}

describe(ServiceOrAdminGuard.name, () => {
  const seen: string[] = [];
  const service = { canActivate: () => (seen.push('service'), true) } as unknown as ApiCredentialsGuard;
  const jwt = { canActivate: async () => (seen.push('jwt'), true) } as unknown as JwtAuthGuard;
  const guard = new ServiceOrAdminGuard(service, jwt);
  beforeEach(() => (seen.length = 0));

  it('should check a bearer token as a person’s (the JWT guard enforces the admin role)', async () => {
    await guard.canActivate(contextWith({ authorization: 'Bearer abc.def.ghi' }));
    await guard.canActivate(contextWith({ authorization: 'bearer abc.def.ghi', 'x-username': 'billing', 'x-password': 'x' }));
    expect(seen).toEqual(['jwt', 'jwt']);
  });

  it('should check anything else as the service credentials (which refuse a request without them)', async () => {
    await guard.canActivate(contextWith({ 'x-username': 'billing', 'x-password': 'x' }));
    await guard.canActivate(contextWith({}));
    await guard.canActivate(contextWith({ authorization: 'Basic Zm9vOmJhcg==' }));
    expect(seen).toEqual(['service', 'service', 'service']);
  });
});
