import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `users.source`: where an account comes from — `local` (a password kept here, scrypt), `ldap` (the
 * directory checks the password and its groups give role and namespaces at each sign-in) or `oidc`.
 * Every existing account is local. Accounts from a provider keep no password here: their
 * `password_hash` is `!`, which no password verifies. Plain `ALTER TABLE … ADD COLUMN`, run in place
 * by SQLite and PostgreSQL alike.
 */
export class AddUserSource1772000000000 implements MigrationInterface {
  name = 'AddUserSource1772000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "source" varchar(16) NOT NULL DEFAULT 'local'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "source"`);
  }
}
