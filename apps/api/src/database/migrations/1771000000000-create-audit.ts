import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit_entries`: the append-only, tamper-evident audit trail (docs/security.md, "Audit trail").
 * Each row holds the SHA-256 of the row before (`prev_hash`) and its own (`hash`), computed by the
 * API (database/audit/audit-chain.ts). `seq` is gapless; `prev_hash` is unique, so two writers can
 * never both link to the same entry. Instants are epoch ms; `detail` is canonical JSON text.
 *
 * Triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL), so no code path of the API can
 * change history by mistake; someone who drops them to edit a row is caught by the hash chain.
 */
export class CreateAudit1771000000000 implements MigrationInterface {
  name = 'CreateAudit1771000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(`CREATE TABLE "audit_entries" (
  "seq" bigint NOT NULL,
  "at" bigint NOT NULL,
  "actor" varchar(160) NOT NULL,
  "client" varchar(64) NULL,
  "action" varchar(64) NOT NULL,
  "target" varchar(256) NULL,
  "detail" text NULL,
  "prev_hash" varchar(64) NOT NULL,
  "hash" varchar(64) NOT NULL,
  CONSTRAINT "PK_audit_entries" PRIMARY KEY ("seq"),
  CONSTRAINT "UQ_audit_entries_prev_hash" UNIQUE ("prev_hash"),
  CONSTRAINT "CHK_audit_entries_seq" CHECK ("seq" > 0)
)`);
    // Reading a period (`GET /api/audit?from=&to=`).
    await queryRunner.query(`CREATE INDEX "IDX_audit_entries_at" ON "audit_entries" ("at")`);
    if (postgres) {
      await queryRunner.query(`CREATE FUNCTION "audit_entries_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_entries is append-only';
END
$$`);
      await queryRunner.query(
        `CREATE TRIGGER "TRG_audit_entries_append_only" BEFORE UPDATE OR DELETE ON "audit_entries" FOR EACH ROW EXECUTE FUNCTION "audit_entries_append_only"()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "TRG_audit_entries_no_truncate" BEFORE TRUNCATE ON "audit_entries" FOR EACH STATEMENT EXECUTE FUNCTION "audit_entries_append_only"()`,
      );
    } else {
      await queryRunner.query(`CREATE TRIGGER "TRG_audit_entries_no_update" BEFORE UPDATE ON "audit_entries" BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END`);
      await queryRunner.query(`CREATE TRIGGER "TRG_audit_entries_no_delete" BEFORE DELETE ON "audit_entries" BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Dropping the table drops its triggers.
    await queryRunner.query(`DROP TABLE "audit_entries"`);
    if (queryRunner.connection.options.type === 'postgres') await queryRunner.query(`DROP FUNCTION "audit_entries_append_only"()`);
  }
}
