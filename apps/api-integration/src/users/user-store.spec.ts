import { ConflictException, NotFoundException } from '@nestjs/common';
import { DataSource, DataSourceOptions } from 'typeorm';

import { buildDataSourceOptions, prepareSqliteDirectory } from '../../../api/src/database/data-source-options';
import { MIGRATIONS } from '../../../api/src/database/migrations';
import { CreateUsers1764000000000 } from '../../../api/src/database/migrations/1764000000000-create-users';
import { AddUserTokenVersion1765000000000 } from '../../../api/src/database/migrations/1765000000000-add-user-token-version';
import { UserDatabase } from '../../../api/src/database/user-database';
import { UserLookupCache } from '../../../api/src/users/user-lookup-cache';
import { UsersService } from '../../../api/src/users/users.service';
import { Backend, BACKENDS, startBackend, Store } from './support/backends';

const PASSWORD = 'tulip-Orbit-93';
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(BACKENDS)('user store on %s', (kind) => {
  let backend: Backend;
  let store: Store;
  let database: UserDatabase;
  let users: UsersService;

  beforeAll(async () => {
    backend = await startBackend(kind);
  });
  afterAll(async () => {
    await backend.dispose();
  });

  beforeEach(async () => {
    store = await backend.freshStore();
    database = new UserDatabase(store.config, { logger: quiet });
    await database.connect();
    users = new UsersService(database, new UserLookupCache(0));
  });
  afterEach(async () => {
    await database.close();
  });

  describe('migrations', () => {
    it('should create the schema from an empty database and record the migration once', async () => {
      const tables = await database.run((ds) => ds.createQueryRunner().getTables(['users']));
      expect(tables).toHaveLength(1);
      const columns = Object.fromEntries(tables[0].columns.map((c) => [c.name, c.type]));
      expect(Object.keys(columns).sort()).toEqual(['created_at', 'email', 'id', 'namespaces', 'password_hash', 'role', 'source', 'token_version', 'updated_at', 'username']);
      if (kind === 'postgres') expect(columns['created_at']).toBe('timestamp with time zone');
      const applied = await database.run((ds) => ds.query('SELECT name FROM typeorm_migrations'));
      expect(applied.slice(0, 8)).toEqual([
        { name: 'CreateUsers1764000000000' },
        { name: 'AddUserTokenVersion1765000000000' },
        { name: 'ExplicitAllNamespaces1765000000001' },
        { name: 'CreateLedger1766000000000' },
        { name: 'LedgerRollups1767000000000' },
        { name: 'LedgerAllocation1768000000000' },
        { name: 'LedgerPodNodes1769000000000' },
        { name: 'CreateApiKeys1770000000000' },
      ]);
      // Every registered migration once, in the order of their timestamps (MIGRATIONS lists them oldest first).
      expect(applied).toEqual(MIGRATIONS.map((m) => ({ name: new m().name })));
    });

    it('should apply nothing more when started again on a migrated database', async () => {
      const logged: string[] = [];
      const again = new UserDatabase(store.config, { logger: { ...quiet, log: (m) => logged.push(m) } });
      await expect(again.start()).resolves.toBe(true);
      await again.close();
      expect(logged.filter((m) => m.startsWith('applied migration'))).toEqual([]);
      expect(await database.run((ds) => ds.query('SELECT name FROM typeorm_migrations'))).toHaveLength(MIGRATIONS.length);
    });

    it('should turn a stored empty namespace list, which meant all, into the explicit "*"', async () => {
      // A store as the release before left it: the migrations up to the token version, users with [] and a list.
      const older = await backend.freshStore();
      const before = new DataSource({ ...buildDataSourceOptions(older.config), migrations: [CreateUsers1764000000000, AddUserTokenVersion1765000000000] } as DataSourceOptions);
      if (kind === 'sqlite') prepareSqliteDirectory(older.config);
      await before.initialize();
      await before.runMigrations();
      await before.query(
        `INSERT INTO users (username, email, password_hash, role, namespaces) VALUES ('wide', 'w@example.org', 'h', 'viewer', '[]'), ('narrow', 'n@example.org', 'h', 'viewer', '["lab-a"]')`,
      );
      await before.destroy();

      const upgraded = new UserDatabase(older.config, { logger: quiet });
      await upgraded.connect();
      try {
        const service = new UsersService(upgraded, new UserLookupCache(0));
        expect((await service.get('wide')).namespaces).toEqual(['*']);
        expect((await service.get('narrow')).namespaces).toEqual(['lab-a']);
      } finally {
        await upgraded.close();
      }
    });

    it('should let the database itself refuse an unknown role', async () => {
      await expect(
        database.run((ds) => ds.query(`INSERT INTO users (username, email, password_hash, role, namespaces) VALUES ('x', 'x@example.org', 'h', 'root', '[]')`)),
      ).rejects.toThrow(/CHK_users_role|constraint/i);
    });
  });

  describe('CRUD', () => {
    it('should create, read, list, update and delete users', async () => {
      const created = await users.create({ username: 'alice', email: 'alice@example.org', password: PASSWORD, role: 'admin' });
      expect(created).toEqual({
        username: 'alice',
        email: 'alice@example.org',
        role: 'admin',
        namespaces: ['*'],
        source: 'local',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updatedAt: expect.any(String),
      });
      expect(Math.abs(Date.parse(created.createdAt) - Date.now())).toBeLessThan(60_000);

      await users.create({ username: 'bob', email: 'bob@example.org', password: PASSWORD, namespaces: ['lab-b', 'lab-a', 'lab-b'] });
      expect((await users.get('bob')).namespaces).toEqual(['lab-a', 'lab-b']);
      expect((await users.list()).map((u) => `${u.username}:${u.role}`)).toEqual(['alice:admin', 'bob:viewer']);

      const updated = await users.update('bob', { email: 'robert@example.org', namespaces: ['*'], role: 'admin' });
      expect(updated).toMatchObject({ email: 'robert@example.org', namespaces: ['*'], role: 'admin' });
      expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(updated.createdAt));

      await users.delete('bob');
      await expect(users.get('bob')).rejects.toThrow(NotFoundException);
      await expect(users.delete('bob')).rejects.toThrow('User "bob" not found');
      await expect(users.update('nobody', { email: 'n@example.org' })).rejects.toThrow(NotFoundException);
    });

    it('should give admins all namespaces and viewers none unless told, and keep an emptied list empty', async () => {
      await users.create({ username: 'root', email: 'root@example.org', password: PASSWORD, role: 'admin' });
      await users.create({ username: 'reader', email: 'reader@example.org', password: PASSWORD });
      await users.create({ username: 'auditor', email: 'auditor@example.org', password: PASSWORD, namespaces: ['*'] });
      expect((await users.get('root')).namespaces).toEqual(['*']);
      expect((await users.get('reader')).namespaces).toEqual([]);
      expect((await users.get('auditor')).namespaces).toEqual(['*']);
      await users.update('auditor', { namespaces: ['lab-a'] });
      await users.update('auditor', { namespaces: [] });
      expect((await users.get('auditor')).namespaces).toEqual([]);
      await expect(users.update('auditor', { namespaces: ['*', 'lab-a'] })).rejects.toThrow('namespaces: "*" (all namespaces) must be alone in the list');
    });

    it('should refuse a taken username with 409, even when two requests race', async () => {
      await users.create({ username: 'alice', email: 'alice@example.org', password: PASSWORD });
      await expect(users.create({ username: 'alice', email: 'other@example.org', password: PASSWORD })).rejects.toThrow(new ConflictException('username "alice" is already taken'));
      const race = await Promise.allSettled([1, 2, 3].map((i) => users.create({ username: 'carol', email: `c${i}@example.org`, password: PASSWORD })));
      expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of race.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(r.reason).toBeInstanceOf(ConflictException);
      }
    });

    it('should store only a salted scrypt hash and verify passwords against it', async () => {
      await users.create({ username: 'alice', email: 'alice@example.org', password: PASSWORD });
      const [row] = await database.run((ds) => ds.query(`SELECT password_hash FROM users WHERE username = 'alice'`));
      expect(row.password_hash).toMatch(/^scrypt\$/);
      expect(row.password_hash).not.toContain(PASSWORD);
      expect(await users.verifyCredentials('alice', PASSWORD)).not.toBeNull();
      expect(await users.verifyCredentials('alice', 'tulip-Orbit-94')).toBeNull();
      expect(await users.verifyCredentials('nobody', PASSWORD)).toBeNull();

      await users.setPassword('alice', 'New-password-7');
      expect(await users.verifyCredentials('alice', PASSWORD)).toBeNull();
      expect(await users.verifyCredentials('alice', 'New-password-7')).not.toBeNull();
    });

    it('should reject invalid fields naming them', async () => {
      await expect(users.create({ username: 'Bad Name', email: 'a@example.org', password: PASSWORD })).rejects.toThrow(/username must be/);
      await expect(users.create({ username: 'dave', email: 'nope', password: PASSWORD })).rejects.toThrow(/email must be a valid/);
      await expect(users.create({ username: 'dave', email: 'd@example.org', password: 'davedavedave' })).rejects.toThrow(/password must/);
      await expect(users.create({ username: 'dave', email: 'd@example.org', password: PASSWORD, namespaces: ['UPPER'] })).rejects.toThrow(/namespaces: "UPPER"/);
      expect(await users.list()).toEqual([]);
    });
  });

  describe('the last admin', () => {
    beforeEach(async () => {
      await users.create({ username: 'root1', email: 'r1@example.org', password: PASSWORD, role: 'admin' });
      await users.create({ username: 'viewer1', email: 'v1@example.org', password: PASSWORD });
    });

    it('should be neither deleted nor demoted', async () => {
      await expect(users.delete('root1')).rejects.toThrow(/cannot delete "root1", the last admin/);
      await expect(users.update('root1', { role: 'viewer' })).rejects.toThrow(/cannot demote "root1", the last admin/);
      expect((await users.get('root1')).role).toBe('admin');
    });

    it('should be removable once another admin exists', async () => {
      await users.update('viewer1', { role: 'admin' });
      await users.update('root1', { role: 'viewer' });
      await expect(users.delete('viewer1')).rejects.toThrow(ConflictException);
      await users.delete('root1');
      expect(await users.countAdmins()).toBe(1);
    });

    it('should survive two admins being removed at the same time', async () => {
      await users.update('viewer1', { role: 'admin' });
      const outcomes = await Promise.allSettled([users.delete('root1'), users.delete('viewer1')]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(await users.countAdmins()).toBe(1);

      await users.create({ username: 'root2', email: 'r2@example.org', password: PASSWORD, role: 'admin' });
      const remaining = (await users.list()).filter((u) => u.role === 'admin').map((u) => u.username);
      const demotions = await Promise.allSettled(remaining.map((u) => users.update(u, { role: 'viewer' })));
      expect(demotions.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(await users.countAdmins()).toBe(1);
    });
  });
});
