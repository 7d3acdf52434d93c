import { ServiceUnavailableException } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';

import { NAMESPACE_RULE, PASSWORD_RULE, USERNAME_RULE, UserView } from '@kube-monitoring/contract';

import { recordingAudit } from '../../jest/audit-recorder';
import { argumentsFor, bodyTypeOf, bodyValidator, Handler, refusal, routeOf } from '../../jest/controller-metadata';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { UsersController } from './users.controller';
import { CreateUserDto, UpdateUserDto } from './users.dto';
import { UsersModule } from './users.module';
import { UsersService } from './users.service';

const validCreation = bodyValidator(CreateUserDto);
const validUpdate = bodyValidator(UpdateUserDto);

const ALICE = { username: 'alice', email: 'alice@example.org', password: 'tulip-Orbit-93' };

describe(UsersController.name, () => {
  describe('auth and routes', () => {
    it.each([
      ['listUsers', '/api/users', 'GET', 200],
      ['createUser', '/api/users', 'POST', 201],
      ['updateUser', '/api/users/:username', 'PATCH', 200],
      ['deleteUser', '/api/users/:username', 'DELETE', 204],
    ])('should mount %s at %s (%s, %d) behind the JWT guard and the admin role', (handler, path, method, status) => {
      expect(routeOf(UsersController, handler)).toEqual({ path, method, status, guards: [JwtAuthGuard], role: 'admin' });
    });

    it('should register the controller in its module', () => {
      expect(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, UsersModule)).toContain(UsersController);
    });
  });

  describe('the request bodies', () => {
    it('should validate creation and change against their DTOs', () => {
      expect(bodyTypeOf(UsersController, 'createUser')).toBe(CreateUserDto);
      expect(bodyTypeOf(UsersController, 'updateUser')).toBe(UpdateUserDto);
    });

    it('should accept a complete creation request', async () => {
      const body = { ...ALICE, role: 'viewer', namespaces: ['lab-a'] };
      await expect(validCreation(body)).resolves.toEqual(body);
      await expect(validCreation({ ...ALICE, namespaces: ['*'] })).resolves.toMatchObject({ namespaces: ['*'] });
    });

    it.each([
      [{ email: 'a@example.org', password: 'tulip-Orbit-93' }, 'username must be a string'],
      [{ ...ALICE, username: 'Alice' }, USERNAME_RULE],
      [{ ...ALICE, email: 42 }, 'email must be a string'],
      [{ ...ALICE, email: 'alice' }, 'email must be a valid e-mail address like name@example.org'],
      [{ ...ALICE, password: 'short' }, PASSWORD_RULE],
      [{ ...ALICE, role: 'root' }, 'role must be one of admin, viewer'],
      [{ ...ALICE, namespaces: 'lab-a' }, 'namespaces must be a list of namespace names'],
      [{ ...ALICE, namespaces: ['lab_a'] }, `namespaces: each entry of namespaces ${NAMESPACE_RULE}, or "*" alone for all namespaces`],
      [{ ...ALICE, admin: true }, 'admin: property admin should not exist'],
      [[ALICE], 'body: must be a JSON object, got an array'],
    ])('should refuse %j with a 400 naming the field', async (body, message) => {
      expect(await refusal(() => validCreation(body))).toBe(message);
    });

    it('should allow partial changes but not a new username', async () => {
      await expect(validUpdate({ role: 'admin' })).resolves.toEqual({ role: 'admin' });
      await expect(validUpdate({})).resolves.toEqual({});
      expect(await refusal(() => validUpdate({ username: 'other' }))).toBe('username: property username should not exist');
      expect(await refusal(() => validUpdate({ password: 'short' }))).toBe(PASSWORD_RULE);
    });
  });

  describe('the handlers', () => {
    const VIEW = { username: 'alice', role: 'viewer' } as UserView;
    const calls: unknown[][] = [];
    const service = {
      list: () => (calls.push(['list']), Promise.resolve([VIEW])),
      create: (...args: unknown[]) => (calls.push(['create', ...args]), Promise.resolve(VIEW)),
      update: (...args: unknown[]) => (calls.push(['update', ...args]), Promise.resolve(VIEW)),
      delete: (...args: unknown[]) => (calls.push(['delete', ...args]), Promise.resolve()),
    };
    const recorded = recordingAudit();
    const controller = new UsersController(service as unknown as UsersService, recorded.audit);
    const call = (name: keyof UsersController, request: object, body?: unknown) => (controller[name] as Handler)(...argumentsFor(UsersController, name, request, body));
    beforeEach(() => {
      calls.length = 0;
      recorded.entries.length = 0;
    });

    it('should hand the validated body and the username of the path to the service', async () => {
      const created = await validCreation(ALICE);
      const change = await validUpdate({ role: 'admin' });
      await expect(call('listUsers', {})).resolves.toEqual([VIEW]);
      await expect(call('createUser', {}, created)).resolves.toBe(VIEW);
      await expect(call('updateUser', { params: { username: 'bob' } }, change)).resolves.toBe(VIEW);
      await expect(call('deleteUser', { params: { username: 'carol' } })).resolves.toBeUndefined();
      expect(calls).toEqual([['list'], ['create', created], ['update', 'bob', change], ['delete', 'carol']]);
    });

    it('should record each change with the admin, the address and what changed, never a password', async () => {
      const admin = { accessScope: { kind: 'user', username: 'root', namespaces: 'all' }, ip: '192.0.2.1' };
      await call('createUser', admin, await validCreation(ALICE));
      await call('updateUser', { ...admin, params: { username: 'alice' } }, await validUpdate({ password: 'Another-pass-77', role: 'admin' }));
      await call('deleteUser', { ...admin, params: { username: 'carol' } });
      const by = { actor: 'user:root', client: '192.0.2.1', how: 'record' };
      expect(recorded.entries).toEqual([
        { ...by, action: 'user.create', target: 'user:alice', detail: { role: 'viewer' } },
        { ...by, action: 'user.update', target: 'user:alice', detail: { changed: ['password', 'role'], role: 'viewer' } },
        { ...by, action: 'user.delete', target: 'user:carol' },
      ]);
      expect(JSON.stringify(recorded.entries)).not.toContain('Another-pass-77');
    });

    it('should answer 503, not success, when the change cannot be recorded', async () => {
      recorded.failWith(new ServiceUnavailableException('Audit trail unavailable'));
      await expect(call('deleteUser', { params: { username: 'carol' } })).rejects.toThrow(ServiceUnavailableException);
      recorded.failWith(undefined);
    });
  });
});
