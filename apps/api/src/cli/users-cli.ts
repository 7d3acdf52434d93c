/**
 * Users CLI with the seed's shape:
 *   npm run createuser -- --username=<u> --email=<e> [--role=admin|viewer] [--namespaces=a,b|'*'] [--password-stdin]
 *   npm run changepassword -- --username=<u> [--password-stdin]
 *   npm run deleteuser -- --username=<u>
 *   (also `listusers`)
 * It talks to the same store as the API (DATABASE_URL, else SQLITE_PATH) and applies pending migrations
 * first, so it works on a fresh install before the API has ever started.
 */
import 'reflect-metadata';

import type { Writable } from 'node:stream';

import { HttpException } from '@nestjs/common';
import { Command, CommanderError, Option } from 'commander';

import { grantsAllNamespaces, passwordWeakness, USER_ROLES, type UserRole } from '@kube-monitoring/contract';

import { auditDraft, AuditRecord } from '../audit/audit-draft';
import { ConfigError } from '../config/app-config';
import { AuditStore } from '../database/audit/audit-store';
import { databaseConfigFromEnv } from '../database/database-config';
import { UserDatabase } from '../database/user-database';
import { UserLookupCache } from '../users/user-lookup-cache';
import { assertValidEmail, assertValidRole, assertValidUsername, parseNamespaceList } from '../users/user-rules';
import { UsersService } from '../users/users.service';
import { PasswordInputError, promptNewPassword, readPasswordFromStdin, TerminalInput } from './password-input';

export interface CliIo {
  stdin: TerminalInput;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
}

/** Exit codes: 0 done, 1 refused (validation, conflict, store down), 2 usage, 130 interrupted. */
export async function runUsersCli(argv: string[], io: CliIo): Promise<number> {
  let database: UserDatabase | undefined;
  // Opened lazily: `--help` and usage errors must not need a database.
  const users = async (): Promise<{ service: UsersService; where: string }> => {
    if (!database) {
      const quiet = () => undefined;
      database = new UserDatabase(databaseConfigFromEnv(io.env), { logger: { log: quiet, warn: quiet, error: quiet } });
      try {
        await database.connect();
      } catch (err) {
        throw new CliRefusal(`user database unavailable (${database.description}): ${(err as Error).message}`);
      }
    }
    return { service: new UsersService(database, new UserLookupCache(0)), where: database.description };
  };
  const out = (line: string) => io.stdout.write(`${line}\n`);
  // Changes made here are in the audit trail like the API's (actor `cli`, no client address). A CLI
  // cannot retry later, so a change it could not record fails the command (exit 1), saying it was done.
  const recorded = async (entry: Omit<AuditRecord, 'actor'>): Promise<void> => {
    try {
      // Only after a change, so the store is open.
      if (!database) throw new Error('no user database');
      await new AuditStore(database).append([auditDraft({ actor: 'cli', ...entry })]);
    } catch (err) {
      throw new CliRefusal(`done, but its audit entry (${entry.action}) could not be written: ${(err as Error).message}`);
    }
  };
  const newPassword = (username: string, fromStdin: boolean): Promise<string> =>
    fromStdin ? readPasswordFromStdin(io.stdin) : promptNewPassword(io.stdin, io.stderr, (pw) => passwordWeakness(pw, username));

  const program = new Command('users-cli')
    .description('Manage kube-monitoring dashboard users (DATABASE_URL, else the SQLite file SQLITE_PATH)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command('createuser')
    .description('Create a user; asks for the password twice, hidden (the first user defaults to admin)')
    .requiredOption('--username <username>', 'login name')
    .requiredOption('--email <email>', 'e-mail address')
    .addOption(new Option('--role <role>', 'role (default: admin if there is no admin yet, else viewer)').choices([...USER_ROLES]))
    .option('--namespaces <list>', "comma-separated namespaces the user may see, '*' for all (default: all for an admin, none for a viewer)")
    .option('--password-stdin', 'read the password from stdin instead of prompting', false)
    .action(async (opts: { username: string; email: string; role?: UserRole; namespaces?: string; passwordStdin: boolean }) => {
      // Everything checkable is checked before the password is asked for.
      assertValidUsername(opts.username);
      assertValidEmail(opts.email);
      if (opts.role) assertValidRole(opts.role);
      const namespaces = opts.namespaces === undefined ? undefined : parseNamespaceList(opts.namespaces);
      const { service, where } = await users();
      if (await service.exists(opts.username)) {
        throw new CliRefusal(`username "${opts.username}" is already taken`);
      }
      const role = opts.role ?? ((await service.countAdmins()) === 0 ? 'admin' : 'viewer');
      const password = await newPassword(opts.username, opts.passwordStdin);
      const user = await service.create({ username: opts.username, email: opts.email, password, role, namespaces });
      out(`Created user "${user.username}" (${user.role}, ${describeNamespaces(user.namespaces)}) in ${where}`);
      await recorded({ action: 'user.create', target: `user:${user.username}`, detail: { role: user.role, namespaces: user.namespaces } });
    });

  program
    .command('changepassword')
    .description("Set a user's password; asks for it twice, hidden")
    .requiredOption('--username <username>', 'login name')
    .option('--password-stdin', 'read the password from stdin instead of prompting', false)
    .action(async (opts: { username: string; passwordStdin: boolean }) => {
      const { service, where } = await users();
      await service.get(opts.username);
      await service.setPassword(opts.username, await newPassword(opts.username, opts.passwordStdin));
      out(`Changed the password of "${opts.username}" in ${where}`);
      await recorded({ action: 'user.update', target: `user:${opts.username}`, detail: { changed: ['password'] } });
    });

  program
    .command('deleteuser')
    .description('Delete a user (the last admin cannot be deleted)')
    .requiredOption('--username <username>', 'login name')
    .action(async (opts: { username: string }) => {
      const { service, where } = await users();
      await service.delete(opts.username);
      out(`Deleted user "${opts.username}" from ${where}`);
      await recorded({ action: 'user.delete', target: `user:${opts.username}` });
    });

  program
    .command('listusers')
    .description('List users')
    .option('--json', 'print JSON', false)
    .action(async (opts: { json: boolean }) => {
      const list = await (await users()).service.list();
      if (opts.json) {
        out(JSON.stringify(list, null, 2));
        return;
      }
      for (const u of list) out(`${u.username}\t${u.role}\t${u.email}\t${u.namespaces.length ? u.namespaces.join(',') : '(none)'}`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const name = argv.find((arg) => !arg.startsWith('-')) ?? 'users-cli';
    io.stderr.write(`${name}: ${describeError(err)}\n`);
    return err instanceof PasswordInputError && err.message === 'interrupted' ? 130 : 1;
  } finally {
    await database?.close();
  }
}

class CliRefusal extends Error {}

function describeNamespaces(namespaces: readonly string[]): string {
  if (grantsAllNamespaces(namespaces)) return 'all namespaces';
  if (namespaces.length === 0) return 'no namespaces yet: an admin grants them at /web/users';
  return `namespaces ${namespaces.join(', ')}`;
}

function describeError(err: unknown): string {
  if (err instanceof HttpException) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  if (err instanceof CliRefusal || err instanceof PasswordInputError || err instanceof ConfigError) return err.message;
  return `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
}

if (require.main === module) {
  runUsersCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
