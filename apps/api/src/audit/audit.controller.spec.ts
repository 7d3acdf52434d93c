import { MODULE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';

import { refusal, routeOf } from '../../jest/controller-metadata';
import { createValidationPipe } from '../bootstrap/validation';
import { NO_API_KEYS } from '../guards/api-key-verifier';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { ServiceOrAdminGuard } from '../guards/service-or-admin.guard';
import { AuditController, UiAuditController } from './audit.controller';
import { AuditQueryDto } from './audit.dto';
import { AuditModule } from './audit.module';
import type { AuditService } from './audit.service';

/** The app's pipe on the query string, as Fastify hands it over (every value a string). */
const validated = (query: Record<string, unknown>) =>
  createValidationPipe().transform(query, { type: 'query', metatype: AuditQueryDto, data: undefined }) as Promise<AuditQueryDto>;

describe(AuditController.name, () => {
  describe('auth and routes', () => {
    it.each([
      ['auditEntries', '/api/audit'],
      ['verifyAuditTrail', '/api/audit/verify'],
    ])('should mount %s at %s for the service credentials or an admin token, never an API key', (handler, path) => {
      expect(routeOf(AuditController, handler)).toEqual({ path, method: 'GET', status: 200, guards: [ServiceOrAdminGuard], role: 'admin' });
      expect(new Reflector().getAllAndOverride(NO_API_KEYS, [AuditController.prototype.auditEntries, AuditController])).toBe(true);
    });

    it.each([
      ['auditEntries', '/api/ui/audit'],
      ['verifyAuditTrail', '/api/ui/audit/verify'],
    ])('should mount %s at %s for admins of the dashboard', (handler, path) => {
      expect(routeOf(UiAuditController, handler)).toEqual({ path, method: 'GET', status: 200, guards: [JwtAuthGuard], role: 'admin' });
    });

    it('should register both mounts in its module', () => {
      expect(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, AuditModule)).toEqual([AuditController, UiAuditController]);
    });
  });

  describe('the query', () => {
    it('should parse instants and numbers', async () => {
      await expect(validated({ from: '2026-11-01', to: '2026-12-01T00:00:00+01:00', after: '42', limit: '500' })).resolves.toEqual({
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-11-30T23:00:00Z'),
        after: 42,
        limit: 500,
      });
      await expect(validated({})).resolves.toEqual({});
    });

    it.each([
      [{ from: 'yesterday' }, 'from:'],
      [{ to: '2026-13-01' }, 'to:'],
      [{ after: '-1' }, 'after: must be an integer between 0 and'],
      [{ after: '1.5' }, 'after: must be an integer'],
      [{ limit: '0' }, 'limit: must be an integer between 1 and 1000'],
      [{ limit: '1001' }, 'limit: must be an integer between 1 and 1000'],
      [{ limit: ['1', '2'] }, 'limit:'],
      [{ actor: 'user:alice' }, 'actor: property actor should not exist'],
    ])('should refuse %j naming the field', async (query, message) => {
      expect(await refusal(() => validated(query))).toContain(message);
    });
  });

  describe('the handlers', () => {
    it('should hand the query to the service and answer what it answers', async () => {
      const page = { entries: [], next: null };
      const verification = { ok: true, entries: 0, firstBroken: null, lastHash: null };
      const calls: unknown[] = [];
      const service = { list: async (q: unknown) => (calls.push(q), page), verify: async () => verification };
      const controller = new UiAuditController(service as unknown as AuditService);
      const query = await validated({ after: '3', limit: '10' });
      await expect(controller.auditEntries(query)).resolves.toBe(page);
      await expect(controller.verifyAuditTrail()).resolves.toBe(verification);
      expect(calls).toEqual([{ after: 3, limit: 10 }]);
    });
  });
});
