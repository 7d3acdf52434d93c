import { MODULE_METADATA } from '@nestjs/common/constants';

import { recordingAudit } from '../../jest/audit-recorder';
import { bodyTypeOf, bodyValidator, refusal, routeOf } from '../../jest/controller-metadata';
import { ServiceOrAdminGuard } from '../guards/service-or-admin.guard';
import { LedgerController } from './ledger.controller';
import { LedgerRerollRequestDto } from './ledger.dto';
import { LedgerModule } from './ledger.module';
import { LedgerService } from './ledger.service';

describe(LedgerController.name, () => {
  describe('auth and routes', () => {
    it('should mount the status at GET /api/ledger for the service credentials or an admin token', () => {
      expect(routeOf(LedgerController, 'status')).toEqual({ path: '/api/ledger', method: 'GET', status: 200, guards: [ServiceOrAdminGuard], role: 'admin' });
    });

    it('should mount re-rolls at POST /api/ledger/reroll, answering 202', () => {
      expect(routeOf(LedgerController, 'reroll')).toEqual({ path: '/api/ledger/reroll', method: 'POST', status: 202, guards: [ServiceOrAdminGuard], role: 'admin' });
    });

    it('should register the controller in its module', () => {
      expect(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, LedgerModule)).toEqual([LedgerController]);
    });
  });

  describe('validation of a re-roll', () => {
    const validate = bodyValidator(LedgerRerollRequestDto);

    it('should validate against its DTO and hand over parsed instants', async () => {
      expect(bodyTypeOf(LedgerController, 'reroll')).toBe(LedgerRerollRequestDto);
      const dto = await validate({ from: '2026-11-01', to: '2026-11-02T06:00:00+01:00' });
      expect(dto.from).toEqual(new Date('2026-11-01T00:00:00Z'));
      expect(dto.to).toEqual(new Date('2026-11-02T05:00:00Z'));
    });

    it.each([
      [{ to: '2026-11-02' }, 'from: is required'],
      [{ from: '2026-11-01' }, 'to: is required'],
      [{ from: 'yesterday', to: '2026-11-02' }, 'from:'],
      [{ from: '2026-11-01', to: '2262-01-02' }, 'to:'],
      [{ from: 20261101, to: '2026-11-02' }, 'from:'],
      [{ from: '2026-11-01', to: '2026-11-02', pods: ['a'] }, 'pods'],
    ])('should refuse %j naming the field', async (body, message) => {
      expect(await refusal(() => validate(body))).toContain(message);
    });
  });

  describe('the handlers', () => {
    it('should pass the parsed range to the service and answer its status as it is', async () => {
      const calls: unknown[] = [];
      const status = { rolledThrough: null, backfill: { from: null, done: false, hours: 0, hoursDone: 0 }, lagSeconds: 0, podHours: 0, lastError: null };
      const service = {
        status: async () => status,
        reroll: async (from: Date, to: Date) => (calls.push([from, to]), { hours: 2, from: from.toISOString(), to: to.toISOString() }),
      };
      const recorded = recordingAudit();
      const controller = new LedgerController(service as unknown as LedgerService, recorded.audit);
      await expect(controller.status()).resolves.toBe(status);
      const from = new Date('2026-11-01T00:00:00Z');
      const to = new Date('2026-11-01T02:00:00Z');
      await controller.reroll({ from, to }, { ip: '192.0.2.7' } as never);
      expect(calls).toEqual([[from, to]]);
      expect(recorded.entries).toEqual([
        {
          actor: 'service',
          client: '192.0.2.7',
          action: 'ledger.reroll',
          target: null,
          detail: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-01T02:00:00.000Z', hours: 2 },
          how: 'record',
        },
      ]);
    });
  });
});
