/**
 * A second API replica, as far as the audit trail goes: its own process and its own connection to
 * the store (`DATABASE_URL` or `SQLITE_PATH`), appending `AUDIT_COUNT` entries as `AUDIT_ACTOR`,
 * all at once, once told to on stdin. Prints `ready` once connected and `done` at the end.
 */
import { auditDraft } from '../../../../api/src/audit/audit-draft';
import { AuditStore } from '../../../../api/src/database/audit/audit-store';
import { databaseConfigFromEnv } from '../../../../api/src/database/database-config';
import { UserDatabase } from '../../../../api/src/database/user-database';

async function main(): Promise<void> {
  const quiet = () => undefined;
  const database = new UserDatabase(databaseConfigFromEnv(process.env), { logger: { log: quiet, warn: quiet, error: quiet } });
  await database.connect();
  const store = new AuditStore(database);
  const count = Number(process.env['AUDIT_COUNT']);
  const actor = String(process.env['AUDIT_ACTOR']);
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  await Promise.all(Array.from({ length: count }, (_, i) => store.append([auditDraft({ actor, action: 'test.append', detail: { i } })])));
  await database.close();
  process.stdout.write('done\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
