import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `users.token_version`: carried in every login token (`ver`) and raised by logout and by password,
 * role or namespace changes, so tokens issued before stop working. Plain `ALTER TABLE … ADD COLUMN`,
 * which both SQLite and PostgreSQL run in place (TypeORM's SQLite `addColumn` would rebuild the table).
 */
export class AddUserTokenVersion1765000000000 implements MigrationInterface {
  name = 'AddUserTokenVersion1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "token_version" integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "token_version"`);
  }
}
