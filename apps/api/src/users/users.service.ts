import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';

import { defaultNamespaces, USERNAME_PATTERN, type CreateUserRequest, type UpdateUserRequest, type UserRole, type UserSource, type UserView } from '@kube-monitoring/contract';

import { UserDatabase } from '../database/user-database';
import { UserEntity } from '../database/user.entity';
import type { AuthUser } from '../guards/auth-user';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password-hasher';
import { UserLookupCache } from './user-lookup-cache';
import { assertStrongPassword, assertValidEmail, assertValidRole, assertValidUsername, normalizeNamespaces } from './user-rules';
import { toIdentity, toUserView } from './user-view';

/**
 * The user store's use cases, shared by the HTTP API and the CLI. Every input is validated here
 * (400 naming the field), whatever validated it before; the store being down is a 503.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: UserDatabase,
    private readonly cache: UserLookupCache,
  ) {}

  async list(): Promise<UserView[]> {
    const users = await this.db.run((ds) => ds.getRepository(UserEntity).find({ order: { username: 'ASC' } }));
    return users.map(toUserView);
  }

  async get(username: string): Promise<UserView> {
    const user = await this.db.run((ds) => ds.getRepository(UserEntity).findOneBy({ username }));
    if (!user) throw notFound(username);
    return toUserView(user);
  }

  async exists(username: string): Promise<boolean> {
    return this.db.run((ds) => ds.getRepository(UserEntity).existsBy({ username }));
  }

  async countAdmins(): Promise<number> {
    return this.db.run((ds) => ds.getRepository(UserEntity).countBy({ role: 'admin' }));
  }

  async create(request: CreateUserRequest): Promise<UserView> {
    const { username, email, password } = request;
    assertValidUsername(username);
    assertValidEmail(email);
    assertStrongPassword(password, username);
    const role = request.role ?? 'viewer';
    assertValidRole(role);
    const namespaces = request.namespaces === undefined ? defaultNamespaces(role) : normalizeNamespaces(request.namespaces);
    // Hash before touching the store: scrypt takes tens of ms and must not hold the SQLite queue.
    const passwordHash = await hashPassword(password);

    const created = await this.db.run(async (ds) => {
      const repo = ds.getRepository(UserEntity);
      if (await repo.existsBy({ username })) throw taken(username);
      try {
        await repo.insert({ username, email, passwordHash, role, namespaces });
      } catch (err) {
        // Another request created the same username between our check and our insert.
        if (isUniqueViolation(err)) throw taken(username);
        throw err;
      }
      return repo.findOneByOrFail({ username });
    });
    this.cache.evict(created.id);
    return toUserView(created);
  }

  async update(username: string, request: UpdateUserRequest): Promise<UserView> {
    const changes: Partial<Pick<UserEntity, 'email' | 'passwordHash' | 'role' | 'namespaces'>> = {};
    if (request.email !== undefined) {
      assertValidEmail(request.email);
      changes.email = request.email;
    }
    if (request.role !== undefined) {
      assertValidRole(request.role);
      changes.role = request.role;
    }
    if (request.namespaces !== undefined) changes.namespaces = normalizeNamespaces(request.namespaces);
    if (request.password !== undefined) {
      assertStrongPassword(request.password, username);
      changes.passwordHash = await hashPassword(request.password);
    }

    const updated = await this.withAdminsLocked(async (manager) => {
      const repo = manager.getRepository(UserEntity);
      const user = await repo.findOneBy({ username });
      if (!user) throw notFound(username);
      if (changes.passwordHash !== undefined && (user.source ?? 'local') !== 'local') {
        throw new BadRequestException(`password: "${username}" signs in through ${user.source.toUpperCase()}; its password is the provider's, not kept here`);
      }
      if (user.role === 'admin' && changes.role === 'viewer' && (await repo.countBy({ role: 'admin' })) <= 1) {
        throw new ConflictException(`role: cannot demote "${username}", the last admin (make another user admin first)`);
      }
      const revoke = changesWhatTokensGrant(user, changes);
      Object.assign(user, changes);
      const saved = await repo.save(user);
      // Atomic, so two concurrent revocations cannot both write the same next version.
      if (revoke) await repo.increment({ id: user.id }, 'tokenVersion', 1);
      return saved;
    });
    this.cache.evict(updated.id);
    return toUserView(updated);
  }

  /** Ends every token issued so far to user `id` (logout). False when there is no such user. */
  async revokeTokens(id: number): Promise<boolean> {
    const result = await this.db.run((ds) =>
      ds
        .createQueryBuilder()
        .update(UserEntity)
        // A logout is no change of the account: updated_at is set to itself, or TypeORM would set it to now.
        .set({ tokenVersion: () => '"token_version" + 1', updatedAt: () => '"updated_at"' })
        .where('id = :id', { id })
        .execute(),
    );
    this.cache.evict(id);
    return (result.affected ?? 0) > 0;
  }

  async setPassword(username: string, password: string): Promise<void> {
    await this.update(username, { password });
  }

  async delete(username: string): Promise<void> {
    const id = await this.withAdminsLocked(async (manager) => {
      const repo = manager.getRepository(UserEntity);
      const user = await repo.findOneBy({ username });
      if (!user) throw notFound(username);
      if (user.role === 'admin' && (await repo.countBy({ role: 'admin' })) <= 1) {
        throw new ConflictException(`cannot delete "${username}", the last admin (make another user admin first)`);
      }
      await repo.delete({ id: user.id });
      return user.id;
    });
    this.cache.evict(id);
  }

  /** The account named `username` (any source), or null; a name outside the username rule is nobody. */
  async findByUsername(username: string): Promise<UserEntity | null> {
    if (!USERNAME_PATTERN.test(username)) return null;
    return this.db.run((ds) => ds.getRepository(UserEntity).findOneBy({ username }));
  }

  /**
   * Creates or updates the account of someone a provider (LDAP, OIDC) signed in, with the role and
   * namespaces its groups give now: applied at each sign-in. A change of role or namespaces revokes the
   * tokens issued before, as an admin's change would. Never takes over an account of another source
   * (a local `alice` stays local: ConflictException). No local password is kept (`!`).
   */
  async provisionExternal(source: Exclude<UserSource, 'local'>, account: ExternalAccount): Promise<{ user: UserEntity; created: boolean; changed: string[] }> {
    const { username } = account;
    assertValidUsername(username);
    assertValidRole(account.role);
    const namespaces = normalizeNamespaces(account.namespaces);
    // Directories may hold no address or one this API would refuse: keep what fits, else none.
    const email = isUsableEmail(account.email) ? account.email : '';
    const work = async (manager: EntityManager) => {
      const repo = manager.getRepository(UserEntity);
      const user = await repo.findOneBy({ username });
      if (!user) {
        try {
          await repo.insert({ username, email, passwordHash: NO_LOCAL_PASSWORD, role: account.role, namespaces, source });
        } catch (err) {
          // A first sign-in of the same person in parallel made the row: update it instead (a new transaction).
          if (isUniqueViolation(err)) throw new FirstSignInRace();
          throw err;
        }
        return { user: await repo.findOneByOrFail({ username }), created: true, changed: ['role', 'namespaces'] };
      }
      if (user.source !== source) throw new ConflictException(`"${username}" is a ${user.source} account: ${source.toUpperCase()} may not sign it in`);
      const changes: Partial<Pick<UserEntity, 'email' | 'role' | 'namespaces'>> = {};
      if (user.email !== email) changes.email = email;
      if (user.role !== account.role) changes.role = account.role;
      if (JSON.stringify([...user.namespaces].sort()) !== JSON.stringify(namespaces)) changes.namespaces = namespaces;
      const changed = Object.keys(changes);
      if (changed.length === 0) return { user, created: false, changed };
      const revoke = changesWhatTokensGrant(user, changes);
      Object.assign(user, changes);
      const saved = await repo.save(user);
      if (revoke) {
        await repo.increment({ id: user.id }, 'tokenVersion', 1);
        saved.tokenVersion += 1;
      }
      return { user: saved, created: false, changed };
    };
    const result = await this.withAdminsLocked(work).catch((err: unknown) => {
      if (err instanceof FirstSignInRace) return this.withAdminsLocked(work);
      throw err;
    });
    this.cache.evict(result.user.id);
    return result;
  }

  /**
   * The user when `password` is theirs, else null. Unknown usernames cost a hash verification too, so
   * response times do not reveal which usernames exist.
   */
  async verifyCredentials(username: string, password: string): Promise<UserEntity | null> {
    const user = USERNAME_PATTERN.test(username) ? await this.db.run((ds) => ds.getRepository(UserEntity).findOneBy({ username })) : null;
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    return user && ok ? user : null;
  }

  /**
   * Who account `id` is now (role, namespaces and token version from the store, cached for seconds),
   * or null if gone. Ids are never reused (PostgreSQL sequences, SQLite AUTOINCREMENT), so a deleted
   * account's tokens never name a later one.
   */
  async findIdentity(id: number): Promise<AuthUser | null> {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    const user = await this.db.run((ds) => ds.getRepository(UserEntity).findOneBy({ id }));
    const identity = user ? toIdentity(user) : null;
    this.cache.set(id, identity);
    return identity;
  }

  /**
   * Runs a change that may remove an admin. On PostgreSQL the admin rows are locked first, so two
   * concurrent requests removing two different admins cannot both see "another admin is left".
   * SQLite runs one operation at a time (see UserDatabase.run), which gives the same guarantee.
   */
  private withAdminsLocked<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (manager) => {
      if (this.db.type === 'postgres') await manager.query(`SELECT id FROM users WHERE role = 'admin' FOR UPDATE`);
      return work(manager);
    });
  }
}

/** The `password_hash` of accounts whose password a provider checks: no scrypt hash, so no password verifies. */
export const NO_LOCAL_PASSWORD = '!';

class FirstSignInRace extends Error {}

/** Who a provider says someone is, once its groups are mapped. */
export interface ExternalAccount {
  username: string;
  email: string;
  role: UserRole;
  namespaces: string[];
}

/** Password, role and namespaces are what a token stands for: changing one revokes the user's tokens. */
function changesWhatTokensGrant(user: UserEntity, changes: Partial<Pick<UserEntity, 'passwordHash' | 'role' | 'namespaces'>>): boolean {
  if (changes.passwordHash !== undefined) return true;
  if (changes.role !== undefined && changes.role !== user.role) return true;
  return changes.namespaces !== undefined && JSON.stringify(changes.namespaces) !== JSON.stringify([...user.namespaces].sort());
}

function isUsableEmail(email: string): boolean {
  try {
    assertValidEmail(email);
    return true;
  } catch {
    return false;
  }
}

function notFound(username: string): NotFoundException {
  return new NotFoundException(`User "${username}" not found`);
}

function taken(username: string): ConflictException {
  return new ConflictException(`username "${username}" is already taken`);
}

function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const code = (err.driverError as { code?: string } | undefined)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
