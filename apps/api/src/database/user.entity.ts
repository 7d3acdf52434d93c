import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

import type { UserRole, UserSource } from '@kube-monitoring/contract';

/**
 * A person who may log in to the dashboard. The schema is owned by the migrations in
 * `database/migrations`; every column type is spelled out because the users CLI runs under tsx,
 * which emits no decorator type metadata for TypeORM to infer types from.
 */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** `scrypt$N$r$p$salt$hash` (see password-hasher.ts); never the password. `!` for accounts of a provider: no local password. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: UserRole;

  /** Namespaces the user may see (`["*"]` = all, `[]` = none). A JSON array so SQLite and PostgreSQL agree. */
  @Column({ type: 'simple-json' })
  namespaces!: string[];

  /** Where the account comes from: `local`, `ldap`, `oidc` (see the migration AddUserSource). */
  @Column({ type: 'varchar', length: 16, default: 'local' })
  source!: UserSource;

  /** Raised to revoke every token issued before (they carry the version they were issued with). */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion!: number;

  // No explicit type: the migration makes these `timestamptz` on PostgreSQL and `datetime` (UTC text) on
  // SQLite, and TypeORM's per-driver defaults read and write both correctly.
  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
