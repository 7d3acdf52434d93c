import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What pods hold beside what they use: per pod-hour (and pod-day), the figures of the CPU and
 * memory requests (`cpu_request_*`, `memory_request_*`) and of the GPU devices held
 * (`gpu_devices_*`) — each only while its container ran — and what the `max` basis bills
 * (`cpu_max_*`, `memory_max_*`: max(request, usage) per sample). Frozen like the ledger's other migrations.
 *
 * `ledger_hours.allocation` says which of these an hour was rolled with: 0 for the hours rolled
 * before this migration, whose new columns are zeros; reports read the requests of those hours from
 * the samples (while InfluxDB still holds them) until the hour is rolled again.
 */
export class LedgerAllocation1768000000000 implements MigrationInterface {
  name = 'LedgerAllocation1768000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "ledger_hours" ADD COLUMN "allocation" integer NOT NULL DEFAULT 0`);
    for (const table of ['ledger_pod_hours', 'ledger_pod_days']) {
      for (const prefix of ['cpu_request_', 'memory_request_', 'gpu_devices_', 'cpu_max_', 'memory_max_']) {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for (const column of [
          `"${prefix}integral" double precision NOT NULL DEFAULT 0`,
          `"${prefix}increase" double precision NOT NULL DEFAULT 0`,
          `"${prefix}covered_ms" bigint NOT NULL DEFAULT 0`,
          // As the tables' other sample counts: an hour's fit an integer, a day's need a bigint.
          `"${prefix}samples" ${table === 'ledger_pod_hours' ? 'integer' : 'bigint'} NOT NULL DEFAULT 0`,
          `"${prefix}sum" double precision NOT NULL DEFAULT 0`,
          `"${prefix}max" double precision NULL`,
        ]) {
          await queryRunner.query(`ALTER TABLE "${table}" ADD COLUMN ${column}`);
        }
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['ledger_pod_hours', 'ledger_pod_days']) {
      for (const prefix of ['cpu_request_', 'memory_request_', 'gpu_devices_', 'cpu_max_', 'memory_max_']) {
        for (const figure of ['integral', 'increase', 'covered_ms', 'samples', 'sum', 'max']) {
          await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "${prefix}${figure}"`);
        }
      }
    }
    await queryRunner.query(`ALTER TABLE "ledger_hours" DROP COLUMN "allocation"`);
  }
}
