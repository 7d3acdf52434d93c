import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollups of the usage ledger, so that a report over months reads a row per pod and day instead
 * of one per pod and hour, and no step series for the totals reports ask for by default. Every
 * figure in them is a sum (or a largest peak) of the hourly rows', so they answer exactly what the
 * hours would. Written by hand, portable between SQLite and PostgreSQL; frozen like the ledger's
 * own migration (the metric keys cpu, memory, gpu are written out).
 *
 * - `ledger_hours.rollup`: which rollups the hour was written with (0: before this migration, so
 *   without its totals; the worker adds them).
 * - `ledger_total_hours`: per metric, hour and kept selection of namespaces (`excluded`: every
 *   namespace but these, comma-separated), the figures of their total per step, as computed from
 *   the step series when the hour was rolled; and the hour's step, for the step most hours have.
 * - `ledger_days`: the days (UTC) whose 24 hours are rolled with their rollups, and whose rows below
 *   are their sums; a report reads those days from these tables and only the other hours hourly.
 * - `ledger_pod_days`, `ledger_namespace_days`, `ledger_total_days`: the sums of a day's
 *   `ledger_pod_hours`, `ledger_namespace_hours` and `ledger_total_hours`.
 */
export class LedgerRollups1767000000000 implements MigrationInterface {
  name = 'LedgerRollups1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    // SQLite: small rows keyed by what reports range over, stored in key order without a rowid.
    const clustered = postgres ? '' : ' WITHOUT ROWID';
    const figures = (prefix: string) => [
      `"${prefix}integral" double precision NOT NULL DEFAULT 0`,
      `"${prefix}increase" double precision NOT NULL DEFAULT 0`,
      `"${prefix}covered_ms" bigint NOT NULL DEFAULT 0`,
      `"${prefix}samples" bigint NOT NULL DEFAULT 0`,
      `"${prefix}sum" double precision NOT NULL DEFAULT 0`,
      `"${prefix}max" double precision NULL`,
    ];
    const create = (table: string, columns: string[]) => queryRunner.query(`CREATE TABLE "${table}" (\n  ${columns.join(',\n  ')}\n)${clustered}`);

    await queryRunner.query(`ALTER TABLE "ledger_hours" ADD COLUMN "rollup" integer NOT NULL DEFAULT 0`);

    await create('ledger_total_hours', [
      `"metric" varchar(32) NOT NULL`,
      `"hour_start" bigint NOT NULL`,
      `"excluded" text NOT NULL`,
      `"step_ms" integer NOT NULL`,
      ...figures(''),
      `CONSTRAINT "PK_ledger_total_hours" PRIMARY KEY ("metric", "hour_start", "excluded")`,
    ]);

    await create('ledger_days', [`"day_start" bigint NOT NULL`, `CONSTRAINT "PK_ledger_days" PRIMARY KEY ("day_start")`]);

    await create('ledger_pod_days', [
      `"day_start" bigint NOT NULL`,
      `"pod_id" integer NOT NULL`,
      ...figures('cpu_'),
      ...figures('memory_'),
      ...figures('gpu_'),
      `CONSTRAINT "PK_ledger_pod_days" PRIMARY KEY ("day_start", "pod_id")`,
      `CONSTRAINT "FK_ledger_pod_days_pod" FOREIGN KEY ("pod_id") REFERENCES "ledger_pods" ("id")`,
    ]);
    // A report of a few namespaces over months: their pods from the dictionary, then each pod's days.
    await queryRunner.query(`CREATE INDEX "IDX_ledger_pod_days_pod" ON "ledger_pod_days" ("pod_id", "day_start")`);

    await create('ledger_namespace_days', [
      `"metric" varchar(32) NOT NULL`,
      `"day_start" bigint NOT NULL`,
      `"namespace" varchar(253) NOT NULL`,
      ...figures(''),
      `CONSTRAINT "PK_ledger_namespace_days" PRIMARY KEY ("metric", "day_start", "namespace")`,
    ]);

    await create('ledger_total_days', [
      `"metric" varchar(32) NOT NULL`,
      `"day_start" bigint NOT NULL`,
      `"excluded" text NOT NULL`,
      ...figures(''),
      `CONSTRAINT "PK_ledger_total_days" PRIMARY KEY ("metric", "day_start", "excluded")`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['ledger_total_days', 'ledger_namespace_days', 'ledger_pod_days', 'ledger_days', 'ledger_total_hours']) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
    await queryRunner.query(`ALTER TABLE "ledger_hours" DROP COLUMN "rollup"`);
  }
}
