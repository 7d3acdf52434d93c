import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing: effective-dated tariffs, cost centres and assignments (a version is a new row keyed by
 * its `valid_from`, never an update), the frozen versions of closed periods, and the late hours of
 * closed periods. Instants are epoch ms; amounts and prices decimal strings inside JSON text.
 *
 * - `billing_tariffs`: per name and `valid_from`, currency, basis, prices (canonical JSON of
 *   decimal strings) and the rounding rule.
 * - `billing_cost_centres`: per code and `valid_from`, name, tariff name, contact.
 * - `billing_assignments`: per selector (`namespace:<ns>` or `label:<key>=<value>`) and
 *   `valid_from`, the cost centre (`__unassigned__` ends an assignment).
 * - `billing_period_versions`: per period (`YYYY-MM`) and version, the document's exact bytes
 *   (canonical JSON) and SHA-256; the first is the closing, every later one a restatement.
 * - `ledger_late_hours`: hours of closed periods whose samples changed after they were rolled,
 *   kept as a hint to restate instead of being rolled again silently.
 */
export class CreateBilling1771500000000 implements MigrationInterface {
  name = 'CreateBilling1771500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const audit = [`"created_at" bigint NOT NULL`, `"created_by" varchar(200) NOT NULL`];
    await queryRunner.query(`CREATE TABLE "billing_tariffs" (
  "name" varchar(100) NOT NULL,
  "valid_from" bigint NOT NULL,
  "currency" varchar(3) NOT NULL,
  "basis" varchar(16) NOT NULL,
  "prices" text NOT NULL,
  "rounding_mode" varchar(16) NOT NULL,
  "rounding_decimals" integer NOT NULL,
  ${audit.join(',\n  ')},
  CONSTRAINT "PK_billing_tariffs" PRIMARY KEY ("name", "valid_from")
)`);
    await queryRunner.query(`CREATE TABLE "billing_cost_centres" (
  "code" varchar(64) NOT NULL,
  "valid_from" bigint NOT NULL,
  "name" varchar(200) NOT NULL,
  "tariff" varchar(100) NOT NULL,
  "contact" varchar(200) NULL,
  ${audit.join(',\n  ')},
  CONSTRAINT "PK_billing_cost_centres" PRIMARY KEY ("code", "valid_from")
)`);
    await queryRunner.query(`CREATE TABLE "billing_assignments" (
  "selector" varchar(400) NOT NULL,
  "valid_from" bigint NOT NULL,
  "kind" varchar(16) NOT NULL,
  "namespace" varchar(253) NULL,
  "label_key" varchar(317) NULL,
  "label_value" varchar(63) NULL,
  "cost_centre" varchar(64) NOT NULL,
  ${audit.join(',\n  ')},
  CONSTRAINT "PK_billing_assignments" PRIMARY KEY ("selector", "valid_from")
)`);
    await queryRunner.query(`CREATE TABLE "billing_period_versions" (
  "period" varchar(7) NOT NULL,
  "version" integer NOT NULL,
  "document" text NOT NULL,
  "sha256" varchar(64) NOT NULL,
  "reason" text NULL,
  ${audit.join(',\n  ')},
  CONSTRAINT "PK_billing_period_versions" PRIMARY KEY ("period", "version")
)`);
    await queryRunner.query(`CREATE TABLE "ledger_late_hours" (
  "hour_start" bigint NOT NULL,
  "detected_at" bigint NOT NULL,
  CONSTRAINT "PK_ledger_late_hours" PRIMARY KEY ("hour_start")
)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['ledger_late_hours', 'billing_period_versions', 'billing_assignments', 'billing_cost_centres', 'billing_tariffs']) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}
