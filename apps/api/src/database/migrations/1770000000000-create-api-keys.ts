import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `api_keys`: machine clients' keys beside the service credentials. Only the SHA-256 of a key's
 * secret is kept (the key is shown once); a revoked key keeps its row (`revoked_at`), so the list
 * still says who had access and when it was last used. Instants are epoch ms.
 */
export class CreateApiKeys1770000000000 implements MigrationInterface {
  name = 'CreateApiKeys1770000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "api_keys" (
  "id" varchar(32) NOT NULL,
  "name" varchar(100) NOT NULL,
  "scope" varchar(16) NOT NULL,
  "namespaces" text NOT NULL,
  "secret_sha256" varchar(64) NOT NULL,
  "created_at" bigint NOT NULL,
  "created_by" varchar(64) NOT NULL,
  "expires_at" bigint NULL,
  "last_used_at" bigint NULL,
  "revoked_at" bigint NULL,
  CONSTRAINT "PK_api_keys" PRIMARY KEY ("id")
)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
