import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's empty namespace list used to mean "all namespaces", so emptying a viewer's list granted the
 * whole cluster. All is now the explicit `["*"]` and `[]` means none: rewrite the stored empty lists so
 * nobody sees more or less than before.
 */
export class ExplicitAllNamespaces1765000000001 implements MigrationInterface {
  name = 'ExplicitAllNamespaces1765000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "users" SET "namespaces" = '["*"]' WHERE "namespaces" = '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The release before cannot say "none": reverting would show those users every namespace.
    const [{ count }] = (await queryRunner.query(`SELECT COUNT(*) AS "count" FROM "users" WHERE "namespaces" = '[]'`)) as { count: number | string }[];
    if (Number(count) > 0) {
      throw new Error(`cannot revert: ${count} user(s) may see no namespace, which before meant all; give them namespaces or delete them first`);
    }
    await queryRunner.query(`UPDATE "users" SET "namespaces" = '[]' WHERE "namespaces" = '["*"]'`);
  }
}
