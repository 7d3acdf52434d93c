import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** The `users` table of the dashboard's accounts. Written by hand, portable between SQLite and PostgreSQL. */
export class CreateUsers1764000000000 implements MigrationInterface {
  name = 'CreateUsers1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    // Instants: PostgreSQL keeps the zone; SQLite's datetime is UTC text written by TypeORM.
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const now = postgres ? 'now()' : "datetime('now')";
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'username', type: 'varchar', length: '64', isNullable: false },
          { name: 'email', type: 'varchar', length: '254', isNullable: false },
          { name: 'password_hash', type: 'varchar', length: '255', isNullable: false },
          { name: 'role', type: 'varchar', length: '16', isNullable: false, default: "'viewer'" },
          { name: 'namespaces', type: 'text', isNullable: false, default: "'[]'" },
          { name: 'created_at', type: timestamp, isNullable: false, default: now },
          { name: 'updated_at', type: timestamp, isNullable: false, default: now },
        ],
        uniques: [{ name: 'UQ_users_username', columnNames: ['username'] }],
        checks: [{ name: 'CHK_users_role', expression: `"role" IN ('admin', 'viewer')` }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('users');
  }
}
