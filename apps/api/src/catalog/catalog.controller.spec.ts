import { MODULE_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';

import { MetricInfo, NamespacesResponse } from '@kube-monitoring/contract';
import { NamespacesReader } from '@kube-monitoring/influx';

import { argumentsFor, Handler, routeOf } from '../../jest/controller-metadata';
import { AccessScope, SERVICE_SCOPE } from '../access/access-scope';
import { SCOPE_PROPERTY } from '../access/request-scope.decorator';
import { ApiCredentialsGuard } from '../guards/api-credentials.guard';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { MetricSourceResolver } from '../influx/metric-source.resolver';
import { CatalogController, UiCatalogController } from './catalog.controller';
import { CatalogModule } from './catalog.module';
import { CatalogService } from './catalog.service';

describe(CatalogController.name, () => {
  describe('auth and routes', () => {
    it.each([
      ['listMetrics', '/api/metrics'],
      ['listNamespaces', '/api/namespaces'],
    ])('should mount %s at GET %s for the billing client with the service credentials only', (handler, path) => {
      expect(routeOf(CatalogController, handler)).toEqual({ path, method: 'GET', status: 200, guards: [ApiCredentialsGuard], role: undefined });
    });

    it.each([
      ['listMetrics', '/api/ui/metrics'],
      ['listNamespaces', '/api/ui/namespaces'],
    ])('should mount %s at GET %s for people with the JWT guard only, no role', (handler, path) => {
      expect(routeOf(UiCatalogController, handler)).toEqual({ path, method: 'GET', status: 200, guards: [JwtAuthGuard], role: undefined });
    });

    it('should register both mounts in the module', () => {
      expect(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, CatalogModule)).toEqual(expect.arrayContaining([CatalogController, UiCatalogController]));
    });
  });

  describe('the handlers', () => {
    const calls: unknown[][] = [];
    const service = {
      metrics: (...args: unknown[]) => (calls.push(['metrics', ...args]), Promise.resolve([] as MetricInfo[])),
      namespaces: (...args: unknown[]) => (calls.push(['namespaces', ...args]), Promise.resolve({ namespaces: [] } as NamespacesResponse)),
    };
    beforeEach(() => (calls.length = 0));

    it('should take no input at all from the request but the scope (no body, query or path parameters to validate)', () => {
      expect(Reflect.getMetadata(ROUTE_ARGS_METADATA, CatalogController, 'listMetrics')).toBeUndefined();
      expect(Object.keys(Reflect.getMetadata(ROUTE_ARGS_METADATA, CatalogController, 'listNamespaces') as object)).toEqual([expect.stringMatching(/__customRouteArgs__:0$/)]);
    });

    it('should list the namespaces in the scope the JWT guard set, and unscoped for the billing client', async () => {
      const scope: AccessScope = { kind: 'user', username: 'lab', namespaces: ['lab-vision'] };
      const ui = new UiCatalogController(service as unknown as CatalogService);
      await (ui.listNamespaces as Handler)(...argumentsFor(UiCatalogController, 'listNamespaces', { [SCOPE_PROPERTY]: scope }, undefined));
      const billing = new CatalogController(service as unknown as CatalogService);
      await (billing.listNamespaces as Handler)(...argumentsFor(CatalogController, 'listNamespaces', {}, undefined));
      await billing.listMetrics();
      expect(calls).toEqual([['namespaces', scope], ['namespaces', SERVICE_SCOPE], ['metrics']]);
    });
  });

  // What a person may see of the namespaces is the service's rule: the handler with the real
  // service, over a store holding more namespaces than the account grants.
  describe('namespace scope behind the handler', () => {
    const STORED = ['default', 'kube-system', 'lab-other', 'lab-vision'];
    let asked: (readonly string[] | undefined)[];
    let controller: UiCatalogController;
    beforeEach(() => {
      asked = [];
      const sources = {
        presentMeasurements: () => Promise.resolve(new Set(['cpu/usage_rate'])),
        sourceOf: (metric: string) => Promise.resolve({ measurement: metric, podLevel: 'pod', tags: { namespace: 'namespace_name' } }),
        schema: () => Promise.resolve('heapster'),
      };
      // A reader that ignores `only`: the service must still filter.
      const reader: NamespacesReader = { namespaces: (_m, _tag, only) => (asked.push(only), Promise.resolve([...STORED])) };
      controller = new UiCatalogController(new CatalogService(sources as unknown as MetricSourceResolver, reader));
    });

    it.each([
      [['lab-vision'], ['lab-vision']],
      [
        ['lab-vision', 'kube-system', 'not-stored'],
        ['kube-system', 'lab-vision'],
      ],
      [[], []],
    ])('should give an account granted %j only %j, asking the store for those alone', async (granted, seen) => {
      await expect(controller.listNamespaces({ kind: 'user', username: 'lab', namespaces: granted })).resolves.toEqual({ namespaces: seen });
      expect(asked).toEqual([granted]);
    });

    it('should give an account granted every namespace, and the billing client, all of them, kube-system included', async () => {
      await expect(controller.listNamespaces({ kind: 'user', username: 'admin', namespaces: 'all' })).resolves.toEqual({ namespaces: STORED });
      await expect(controller.listNamespaces(SERVICE_SCOPE)).resolves.toEqual({ namespaces: STORED });
      expect(asked).toEqual([undefined, undefined]);
    });
  });
});
