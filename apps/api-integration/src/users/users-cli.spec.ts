import { UserDatabase } from '../../../api/src/database/user-database';
import { UserLookupCache } from '../../../api/src/users/user-lookup-cache';
import { UsersService } from '../../../api/src/users/users.service';
import { Backend, BACKENDS, startBackend, Store } from './support/backends';
import { runCli, runCliOnTerminal, runNpmScript } from './support/cli';

const PASSWORD = 'tulip-Orbit-93';
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The CLI, end to end: a separate process on the store, checked through the store afterwards. */
describe.each(BACKENDS)('users CLI on %s', (kind) => {
  let backend: Backend;
  let store: Store;
  let database: UserDatabase;
  let users: UsersService;

  beforeAll(async () => {
    backend = await startBackend(kind);
    store = await backend.freshStore();
    database = new UserDatabase(store.config, { logger: quiet });
    users = new UsersService(database, new UserLookupCache(0));
  });
  afterAll(async () => {
    await database.close();
    await backend.dispose();
  });

  it('should create the first user as admin from --password-stdin, migrating an empty store', async () => {
    const r = await runCli(['createuser', '--username=alice', '--email=alice@example.org', '--password-stdin'], store.env, `${PASSWORD}\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Created user "alice" \(admin, all namespaces\) in (SQLite file|PostgreSQL) /);
    expect(r.stdout).not.toContain(PASSWORD);
    expect(await users.get('alice')).toMatchObject({ email: 'alice@example.org', role: 'admin', namespaces: ['*'] });
    expect(await users.verifyCredentials('alice', PASSWORD)).not.toBeNull();
  });

  it('should create later users as viewers, with --namespaces and --role', async () => {
    const viewer = await runCli(['createuser', '--username=bob', '--email=bob@example.org', '--namespaces=lab-b,lab-a', '--password-stdin'], store.env, PASSWORD);
    expect(viewer.code).toBe(0);
    expect(viewer.stdout).toContain('Created user "bob" (viewer, namespaces lab-a, lab-b)');
    const admin = await runCli(['createuser', '--username=carol', '--email=carol@example.org', '--role=admin', '--password-stdin'], store.env, PASSWORD);
    expect(admin.code).toBe(0);
    expect(admin.stdout).toContain('Created user "carol" (admin, all namespaces)');
    expect((await users.get('carol')).role).toBe('admin');
  });

  it("should give a viewer no namespace unless told, and all with --namespaces='*'", async () => {
    const none = await runCli(['createuser', '--username=ivan', '--email=ivan@example.org', '--password-stdin'], store.env, PASSWORD);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('Created user "ivan" (viewer, no namespaces');
    expect((await users.get('ivan')).namespaces).toEqual([]);
    const all = await runCli(['createuser', '--username=judy', '--email=judy@example.org', '--namespaces=*', '--password-stdin'], store.env, PASSWORD);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('Created user "judy" (viewer, all namespaces)');
    expect((await users.get('judy')).namespaces).toEqual(['*']);
    const mixed = await runCli(['createuser', '--username=kim', '--email=kim@example.org', '--namespaces=*,lab-a', '--password-stdin'], store.env, PASSWORD);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain('createuser: namespaces: "*" (all namespaces) must be alone in the list');
    const listed = await runCli(['listusers'], store.env);
    expect(listed.stdout).toContain('ivan\tviewer\tivan@example.org\t(none)');
    expect(listed.stdout).toContain('judy\tviewer\tjudy@example.org\t*');
    for (const name of ['ivan', 'judy']) expect((await runCli(['deleteuser', `--username=${name}`], store.env)).code).toBe(0);
  });

  it.each([
    [['--username=alice', '--email=a2@example.org'], PASSWORD, 'createuser: username "alice" is already taken'],
    [['--username=dave', '--email=dave-at-example'], PASSWORD, 'createuser: email must be a valid e-mail address like name@example.org, got "dave-at-example"'],
    [['--username=dave', '--email=dave@example.org'], 'short1', 'createuser: password must be at least 10 characters long'],
    [['--username=dave', '--email=dave@example.org'], 'onlylowercaseletters', 'createuser: password must mix at least two kinds of characters'],
    [['--username=dave', '--email=dave@example.org'], 'dave', 'createuser: password must be at least 10 characters long'],
    [['--username=Dave', '--email=dave@example.org'], PASSWORD, 'createuser: username must be 1-64 characters'],
    [['--username=dave', '--email=dave@example.org', '--namespaces=Lab_A'], PASSWORD, 'createuser: namespaces: "Lab_A" must be a Kubernetes namespace name'],
  ])('should refuse createuser %j with a clear message', async (args, password, message) => {
    const r = await runCli(['createuser', ...args, '--password-stdin'], store.env, `${password}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(await users.exists('dave')).toBe(false);
  });

  it('should refuse a password equal to the username', async () => {
    const r = await runCli(['createuser', '--username=dave.smith01', '--email=dave@example.org', '--password-stdin'], store.env, 'dave.smith01');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('password must not be the username');
  });

  it('should ask twice with hidden input on a terminal', async () => {
    const r = await runCliOnTerminal(['createuser', '--username=erin', '--email=erin@example.org'], store.env, [PASSWORD, PASSWORD]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Password: ');
    expect(r.stdout).toContain('Password (again): ');
    expect(r.stdout).toContain('Created user "erin" (viewer, no namespaces');
    expect(r.stdout).not.toContain(PASSWORD);
    expect(await users.verifyCredentials('erin', PASSWORD)).not.toBeNull();
  });

  it('should explain a mismatch on the terminal and ask again', async () => {
    const r = await runCliOnTerminal(['createuser', '--username=frank', '--email=frank@example.org'], store.env, [PASSWORD, 'tulip-Orbit-94', PASSWORD, PASSWORD]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('the two passwords differ; try again.');
    expect(await users.verifyCredentials('frank', PASSWORD)).not.toBeNull();
  });

  it('should not prompt without a terminal, and point to --password-stdin', async () => {
    const r = await runCli(['createuser', '--username=gina', '--email=gina@example.org'], store.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('createuser: stdin is not a terminal: pass the password with --password-stdin');
  });

  it('should report a missing option as a usage error', async () => {
    const r = await runCli(['createuser', '--email=x@example.org'], store.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--username <username>' not specified");
  });

  it('should change a password', async () => {
    const r = await runCli(['changepassword', '--username=bob', '--password-stdin'], store.env, 'Brand-new-pass-2\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Changed the password of "bob"');
    expect(await users.verifyCredentials('bob', PASSWORD)).toBeNull();
    expect(await users.verifyCredentials('bob', 'Brand-new-pass-2')).not.toBeNull();

    const unknown = await runCli(['changepassword', '--username=nobody', '--password-stdin'], store.env, 'Brand-new-pass-2');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('changepassword: User "nobody" not found');
    const weak = await runCli(['changepassword', '--username=bob', '--password-stdin'], store.env, 'weak');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password must be at least 10 characters long');
  });

  it('should delete users but never the last admin', async () => {
    expect((await runCli(['deleteuser', '--username=carol'], store.env)).code).toBe(0);
    const last = await runCli(['deleteuser', '--username=alice'], store.env);
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('deleteuser: cannot delete "alice", the last admin');
    const bob = await runCli(['deleteuser', '--username=bob'], store.env);
    expect(bob.stdout).toContain('Deleted user "bob"');
    expect((await users.list()).map((u) => u.username)).toEqual(['alice', 'erin', 'frank']);
  });

  it('should work through the npm scripts as documented', async () => {
    const created = await runNpmScript('createuser', ['--username=hank', '--email=hank@example.org', '--password-stdin'], store.env, PASSWORD);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created user "hank"');
    expect((await runNpmScript('changepassword', ['--username=hank', '--password-stdin'], store.env, 'Hank-pass-0001')).code).toBe(0);
    expect((await runNpmScript('deleteuser', ['--username=hank'], store.env)).code).toBe(0);
    expect(await users.exists('hank')).toBe(false);
  });

  if (kind === 'postgres') {
    it('should say so when PostgreSQL is down', async () => {
      await backend.postgres?.pause();
      try {
        const r = await runCli(['deleteuser', '--username=erin'], store.env);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/^deleteuser: user database unavailable \(PostgreSQL 127\.0\.0\.1:\d+\/suite_1\): .*ECONNREFUSED/);
        expect(r.stderr).not.toContain(new URL(store.env['DATABASE_URL'] ?? '').password);
      } finally {
        await backend.postgres?.resume();
      }
    });
  }
});
