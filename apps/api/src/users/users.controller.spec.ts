import { GUARDS_METADATA } from '@nestjs/common/constants';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

import { REQUIRED_ROLE_KEY } from '../guards/auth-user';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { UsersController } from './users.controller';
import { CreateUserDto, UpdateUserDto } from './users.dto';

async function problems(cls: typeof CreateUserDto | typeof UpdateUserDto, body: object): Promise<string[]> {
  const errors = await validate(plainToInstance(cls, body), { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
  return errors.flatMap((e) => Object.values(e.constraints ?? {}));
}

describe(UsersController.name, () => {
  it('should require a JWT and the admin role on every operation', () => {
    expect(Reflect.getMetadata(GUARDS_METADATA, UsersController)).toEqual([JwtAuthGuard]);
    expect(Reflect.getMetadata(REQUIRED_ROLE_KEY, UsersController)).toBe('admin');
  });

  it('should accept a complete creation request', async () => {
    await expect(
      problems(CreateUserDto, { username: 'alice', email: 'alice@example.org', password: 'tulip-Orbit-93', role: 'viewer', namespaces: ['lab-a'] }),
    ).resolves.toEqual([]);
  });

  it.each([
    [{ email: 'a@example.org', password: 'tulip-Orbit-93' }, 'username must be a string'],
    [{ username: 'alice', email: 42, password: 'tulip-Orbit-93' }, 'email must be a string'],
    [{ username: 'alice', email: 'a@example.org', password: 'short' }, 'password must be 10-1024 characters'],
    [{ username: 'alice', email: 'a@example.org', password: 'tulip-Orbit-93', role: 'root' }, 'role must be one of admin, viewer'],
    [{ username: 'alice', email: 'a@example.org', password: 'tulip-Orbit-93', namespaces: 'lab-a' }, 'namespaces must be a list of namespace names'],
    [{ username: 'alice', email: 'a@example.org', password: 'tulip-Orbit-93', namespaces: ['lab_a'] }, 'each entry of namespaces must be a Kubernetes namespace name'],
  ])('should refuse %j naming the field', async (body, message) => {
    expect((await problems(CreateUserDto, body)).join('; ')).toContain(message);
  });

  it('should allow partial updates but not a new username', async () => {
    await expect(problems(UpdateUserDto, { role: 'admin' })).resolves.toEqual([]);
    expect((await problems(UpdateUserDto, { username: 'other' })).join()).toContain('property username should not exist');
  });
});
