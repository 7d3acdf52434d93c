import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';

import { routeOf } from '../../jest/controller-metadata';
import { AppConfig } from '../config/app-config';
import { UserDatabase } from '../database/user-database';
import { HealthController } from './health.controller';
import { ReadinessCheck } from './readiness-check';
import { userDatabaseReadiness } from './user-database.readiness';

const CONFIG = { influx: { host: 'influx.internal', port: 8086, database: 'k8s' } } as AppConfig;

function check(name: string, downMessage: string, result: () => Promise<{ up: boolean; message?: string }>): ReadinessCheck {
  return { name, downMessage, check: result };
}

describe(HealthController.name, () => {
  describe('auth and routes', () => {
    it.each([
      ['live', '/api/health'],
      ['ready', '/api/health/ready'],
    ])('should mount %s at GET %s with no guard at all: probes and anyone may call it', (handler, path) => {
      expect(routeOf(HealthController, handler)).toEqual({ path, method: 'GET', status: 200, guards: [], role: undefined });
    });

    it('should take no input from the request', () => {
      expect(Reflect.getMetadata(ROUTE_ARGS_METADATA, HealthController, 'live')).toBeUndefined();
      expect(Reflect.getMetadata(ROUTE_ARGS_METADATA, HealthController, 'ready')).toBeUndefined();
    });
  });

  describe('the handlers', () => {
    let warnings: string[];
    beforeEach(() => {
      warnings = [];
      jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    });
    afterEach(() => jest.restoreAllMocks());

    const up = () => Promise.resolve({ up: true });
    const controller = (influxUp: boolean, checks: ReadinessCheck[]) => new HealthController({ ping: () => Promise.resolve(influxUp) }, CONFIG, checks);

    it('should be live without asking any dependency', () => {
      const ping = jest.fn();
      expect(new HealthController({ ping }, CONFIG, []).live()).toEqual({ status: 'ok' });
      expect(ping).not.toHaveBeenCalled();
    });

    it('should be ready when InfluxDB and every check answer', async () => {
      await expect(controller(true, [check('userdb', 'user database unreachable', up)]).ready()).resolves.toEqual({
        status: 'ok',
        checks: { influxdb: { status: 'up' }, userdb: { status: 'up' } },
      });
      expect(warnings).toEqual([]);
    });

    it('should answer 503 naming what is down, never where it lives, and log the address', async () => {
      const failing = check('userdb', 'user database unreachable', () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:5432')));
      const error = await controller(false, [failing])
        .ready()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableException);
      expect((error as ServiceUnavailableException).message).toBe('not ready: influxdb (InfluxDB unreachable), userdb (user database unreachable)');
      expect(warnings).toEqual(['not ready: influxdb: no answer to a ping from influx.internal:8086 (database k8s)', 'not ready: userdb: connect ECONNREFUSED 10.0.0.7:5432']);
    });

    it('should answer 503 when only the user database is down, keeping its address for the log', async () => {
      const database = { ping: () => Promise.resolve(false), description: 'postgres db.internal:5432/users', lastFailure: 'ECONNREFUSED' } as unknown as UserDatabase;
      await expect(controller(true, [userDatabaseReadiness(database)]).ready()).rejects.toThrow(new ServiceUnavailableException('not ready: userdb (user database unreachable)'));
      expect(warnings).toEqual(['not ready: userdb: User database unavailable (postgres db.internal:5432/users: ECONNREFUSED)']);
    });
  });
});
