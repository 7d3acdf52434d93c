import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ledger_pod_nodes`: per hour, pod and node, the pod's samples on that node, so reports by node
 * (`groupBy: "node"`) survive InfluxDB's retention. Hours rolled with allocation version 2 hold them;
 * older hours answer from the samples until rolled again. Frozen like the ledger's other migrations.
 */
export class LedgerPodNodes1769000000000 implements MigrationInterface {
  name = 'LedgerPodNodes1769000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const clustered = queryRunner.connection.options.type === 'postgres' ? '' : ' WITHOUT ROWID';
    await queryRunner.query(
      `CREATE TABLE "ledger_pod_nodes" (
  "hour_start" bigint NOT NULL,
  "namespace" varchar(253) NOT NULL,
  "pod" varchar(253) NOT NULL,
  "node" varchar(253) NOT NULL,
  "samples" integer NOT NULL,
  CONSTRAINT "PK_ledger_pod_nodes" PRIMARY KEY ("hour_start", "namespace", "pod", "node")
)${clustered}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "ledger_pod_nodes"`);
  }
}
