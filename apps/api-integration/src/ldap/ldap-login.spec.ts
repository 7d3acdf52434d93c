/**
 * LDAP sign-in against a real directory: Debian's slapd started for the suite (startSlapd of
 * @kube-monitoring/testing), the API's own login endpoint, SQLite and PostgreSQL user stores. No mocks.
 */
import type { UserView } from '@kube-monitoring/contract';
import { ldapGroup, ldapPerson, ldapUnits, noteSecret, SlapdHandle, startSlapd, waitUntil } from '@kube-monitoring/testing';

import type { AuditEntry } from '../../../api/src/database/audit/audit-chain';
import { Backend, BACKENDS, startBackend } from '../users/support/backends';
import { call, login, tokenFor } from '../users/support/http';
import { createTestApp, SERVICE_HEADERS, TestApp } from '../users/support/test-app';

const BASE = 'dc=example,dc=test';
const READER_PASSWORD = 'Reader-secret-0007';
const ROOT_PASSWORD = 'Root-local-pass-01';
const PASSWORDS = {
  alice: 'Alice-ldap-pass-01',
  bob: 'Bob-ldap-pass-0002',
  carol: 'Carol-ldap-pass-03',
  dave: 'Dave-ldap-pass-004',
  eve: 'Eve-ldap-pass-0005',
  root: 'Root-in-directory-6',
  Mixed: 'Mixed-case-pass-07',
  frank: 'Frank-ldap-pass-08',
};
const NO_MAPPED_GROUP = expect.stringContaining('in no group mapped to a role or namespaces here');
const INVALID = { code: 401, message: 'Invalid username or password' };

function directoryContent(): string {
  const people = Object.entries(PASSWORDS).map(([uid, pw]) => ldapPerson(BASE, uid, pw));
  const reader = `dn: uid=km-reader,ou=services,${BASE}\nobjectClass: account\nobjectClass: simpleSecurityObject\nuid: km-reader\nuserPassword: ${READER_PASSWORD}\n`;
  return [
    ldapUnits(BASE),
    `dn: ou=services,${BASE}\nobjectClass: organizationalUnit\nou: services\n`,
    reader,
    ...people,
    ldapGroup(BASE, 'k8s-admins', ['alice']),
    ldapGroup(BASE, 'lab-a', ['bob', 'carol', 'eve', 'Mixed']),
    ldapGroup(BASE, 'lab-b', ['carol', 'frank']),
    ldapGroup(BASE, 'students', ['dave']),
  ].join('\n');
}

function ldapEnv(slapd: SlapdHandle, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LDAP_URL: slapd.url,
    LDAP_STARTTLS: 'true',
    LDAP_TLS_CA_FILE: slapd.caFile as string,
    LDAP_BIND_DN: `uid=km-reader,ou=services,${BASE}`,
    LDAP_BIND_PASSWORD: READER_PASSWORD,
    LDAP_USER_BASE: `ou=people,${BASE}`,
    LDAP_USER_FILTER: '(&(objectClass=inetOrgPerson)(uid={{username}}))',
    LDAP_GROUP_BASE: `ou=groups,${BASE}`,
    LDAP_GROUP_FILTER: '(&(objectClass=groupOfNames)(member={{dn}}))',
    AUTH_ROLE_MAP: 'k8s-admins=admin',
    AUTH_NAMESPACE_MAP: 'lab-a=lab-a;lab-b=lab-b',
    // The API-wide failure budget is the subject of login-spraying.spec.ts: out of the way here.
    LOGIN_GLOBAL_FAILURES_PER_MINUTE: '10000',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** Everything the app logged: the Nest logger's lines and the root logger's stdout. */
function logsOf(t: TestApp): string {
  return [t.stdout(), ...t.logs.lines].join('\n');
}

async function auditEntries(t: TestApp): Promise<AuditEntry[]> {
  const res = await call<{ entries: AuditEntry[] }>(t.app, 'GET', '/api/audit?limit=1000', { headers: SERVICE_HEADERS });
  return res.body.entries;
}

let slapd: SlapdHandle;

beforeAll(async () => {
  noteSecret(READER_PASSWORD);
  slapd = await startSlapd({ tls: true, ldif: directoryContent() });
  noteSecret(slapd.adminPassword);
});
afterAll(async () => {
  await slapd?.stop();
});

describe.each(BACKENDS)('LDAP sign-in (slapd, StartTLS, group search) on %s', (kind) => {
  let backend: Backend;
  let t: TestApp;

  beforeAll(async () => {
    backend = await startBackend(kind);
    t = await createTestApp((await backend.freshStore()).env, { env: ldapEnv(slapd) });
    await t.users.create({ username: 'root', email: 'root@example.org', password: ROOT_PASSWORD, role: 'admin' });
  });
  afterAll(async () => {
    await t?.close();
    await backend?.dispose();
  });

  it('should sign a directory user in with the right password, creating the account from their groups', async () => {
    const res = await login(t.app, 'carol', PASSWORDS.carol);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual(expect.objectContaining({ username: 'carol', email: 'carol@example.test', role: 'viewer', namespaces: ['lab-a', 'lab-b'], source: 'ldap' }));
    const scope = await call<{ namespaces: string[] }>(t.app, 'GET', '/api/ui/probe/namespaces', { token: res.body.accessToken });
    expect(scope.status).toBe(200);

    const admin = await login(t.app, 'alice', PASSWORDS.alice);
    expect(admin.body.user).toMatchObject({ role: 'admin', namespaces: ['*'], source: 'ldap' });
    // The users page's list says where each account comes from.
    const list = await call<UserView[]>(t.app, 'GET', '/api/users', { token: admin.body.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.map((u) => [u.username, u.source])).toEqual([
      ['alice', 'ldap'],
      ['carol', 'ldap'],
      ['root', 'local'],
    ]);
    // No local password: the row holds no hash any password could match.
    const rows = await t.database.run((ds) => ds.query(`SELECT source, password_hash FROM users WHERE username = 'carol'`));
    expect(rows).toEqual([{ source: 'ldap', password_hash: '!' }]);
  });

  it('should name the account by the directory entry, lower-cased, whatever the case typed', async () => {
    const res = await login(t.app, 'MIXED', PASSWORDS.Mixed);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username: 'mixed', source: 'ldap', namespaces: ['lab-a'] });
  });

  it('should let two first sign-ins of the same person at once both succeed, making one account', async () => {
    const answers = await Promise.all([login(t.app, 'frank', PASSWORDS.frank), login(t.app, 'frank', PASSWORDS.frank)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.body.user)).toEqual([expect.objectContaining({ username: 'frank', namespaces: ['lab-b'] }), expect.objectContaining({ username: 'frank' })]);
    const rows = await t.database.run((ds) => ds.query(`SELECT id FROM users WHERE username = 'frank'`));
    expect(rows).toHaveLength(1);
  });

  it('should refuse a wrong password and an unknown user alike, recording both in the audit trail', async () => {
    const wrong = await login(t.app, 'bob', 'Not-bobs-password-1');
    const unknown = await login(t.app, 'zoe', 'Not-bobs-password-1');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(INVALID);
    expect(unknown.body).toEqual(INVALID);
    expect(t.logs.lines.some((l) => l.includes('login failed for username "bob"') && l.includes('LDAP: wrong-password'))).toBe(true);
    expect(t.logs.lines.some((l) => l.includes('login failed for username "zoe"') && l.includes('LDAP: no-such-user'))).toBe(true);
    await waitUntil(
      'the failed sign-ins in the audit trail',
      async () => (await auditEntries(t)).filter((e) => e.action === 'auth.login.failed' && ['user:bob', 'user:zoe'].includes(e.target ?? '')).length === 2,
      { timeoutMs: 10_000 },
    );
    const failed = (await auditEntries(t)).find((e) => e.action === 'auth.login.failed' && e.target === 'user:bob');
    expect(failed).toMatchObject({ actor: 'anonymous', detail: { source: 'ldap' } });
    // An empty password would be an anonymous bind, which directories accept: refused before the directory sees it.
    expect((await call(t.app, 'POST', '/api/auth/login', { body: { username: 'bob', password: '' } })).status).toBe(400);
  });

  it('should record a directory sign-in with its source, groups and what it changed', async () => {
    await tokenFor(t.app, 'bob', PASSWORDS.bob);
    const entry = (await auditEntries(t)).filter((e) => e.action === 'auth.login' && e.target === 'user:bob').pop();
    expect(entry).toMatchObject({
      actor: 'user:bob',
      detail: { source: 'ldap', account: expect.stringMatching(/^(created|unchanged)$/), role: 'viewer', namespaces: ['lab-a'], groups: ['lab-a'] },
    });
  });

  it('should refuse, clearly, someone in no mapped group, creating no account', async () => {
    const res = await login(t.app, 'dave', PASSWORDS.dave);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ code: 403, message: NO_MAPPED_GROUP });
    const root = await tokenFor(t.app, 'root', ROOT_PASSWORD);
    expect((await call(t.app, 'GET', '/api/users/dave', { token: root })).status).toBe(404);
    await waitUntil(
      'the refusal in the audit trail',
      async () =>
        (await auditEntries(t)).some(
          (e) => e.action === 'auth.login.failed' && e.target === 'user:dave' && (e.detail as Record<string, unknown> | null)?.['reason'] === 'in no mapped group',
        ),
      { timeoutMs: 10_000 },
    );
  });

  it('should check local accounts locally: the directory can neither sign them in nor take them over', async () => {
    // The directory has a uid=root with another password: it is never asked about the local root.
    expect((await login(t.app, 'root', PASSWORDS.root)).body).toEqual(INVALID);
    const local = await login(t.app, 'root', ROOT_PASSWORD);
    expect(local.status).toBe(200);
    expect(local.body.user).toMatchObject({ username: 'root', source: 'local', role: 'admin' });
  });

  it('should escape LDAP injection in the username and refuse it', async () => {
    const before = slapd.log().length;
    for (const username of ['*)(uid=*', 'admin)(|(uid=*', 'bob\u0000', '*', 'b*', 'bob)(objectClass=*']) {
      const res = await login(t.app, username, PASSWORDS.bob);
      expect({ username, status: res.status, body: res.body }).toEqual({ username, status: 401, body: INVALID });
    }
    const searches = slapd
      .log()
      .slice(before)
      .split('\n')
      .filter((l) => l.includes('SRCH base="ou=people'));
    const filters = searches.map((l) => /filter="([^"]*)"/.exec(l)?.[1]);
    // What slapd received: every special character as an escaped value, never as filter syntax.
    expect(filters).toEqual([
      '(&(objectClass=inetOrgPerson)(uid=\\2A\\29\\28uid=\\2A))',
      '(&(objectClass=inetOrgPerson)(uid=admin\\29\\28|\\28uid=\\2A))',
      '(&(objectClass=inetOrgPerson)(uid=bob\\00))',
      '(&(objectClass=inetOrgPerson)(uid=\\2A))',
      '(&(objectClass=inetOrgPerson)(uid=b\\2A))',
      // slapd logs the value normalised (uid matches ignoring case), hence objectclass.
      '(&(objectClass=inetOrgPerson)(uid=bob\\29\\28objectclass=\\2A))',
    ]);
  });

  it('should apply a group change at the next sign-in and end the sessions it no longer covers', async () => {
    const first = await login(t.app, 'eve', PASSWORDS.eve);
    expect(first.body.user).toMatchObject({ role: 'viewer', namespaces: ['lab-a'] });
    await slapd.modify(
      [
        `dn: cn=lab-a,ou=groups,${BASE}\nchangetype: modify\ndelete: member\nmember: uid=eve,ou=people,${BASE}\n`,
        `dn: cn=k8s-admins,ou=groups,${BASE}\nchangetype: modify\nadd: member\nmember: uid=eve,ou=people,${BASE}\n`,
      ].join('\n'),
    );
    // Until eve signs in again, her account is as it was.
    expect((await call(t.app, 'GET', '/api/ui/probe/namespaces', { token: first.body.accessToken })).status).toBe(200);
    const second = await login(t.app, 'eve', PASSWORDS.eve);
    expect(second.body.user).toMatchObject({ role: 'admin', namespaces: ['*'] });
    // The role changed: the token issued before is revoked, as after an admin's change.
    expect((await call(t.app, 'GET', '/api/ui/probe/namespaces', { token: first.body.accessToken })).status).toBe(401);
    const entry = (await auditEntries(t)).filter((e) => e.action === 'auth.login' && e.target === 'user:eve').pop();
    expect(entry?.detail).toMatchObject({ account: 'updated', changed: ['role', 'namespaces'] });

    // Out of every mapped group: refused, and the account keeps nothing (its sessions end).
    await slapd.modify(`dn: cn=k8s-admins,ou=groups,${BASE}\nchangetype: modify\ndelete: member\nmember: uid=eve,ou=people,${BASE}\n`);
    const third = await login(t.app, 'eve', PASSWORDS.eve);
    expect(third.status).toBe(403);
    expect(third.body).toEqual({ code: 403, message: NO_MAPPED_GROUP });
    expect((await call(t.app, 'GET', '/api/ui/probe/namespaces', { token: second.body.accessToken })).status).toBe(401);
    expect(await t.users.get('eve')).toMatchObject({ role: 'viewer', namespaces: [], source: 'ldap' });
    await slapd.modify(`dn: cn=lab-a,ou=groups,${BASE}\nchangetype: modify\nadd: member\nmember: uid=eve,ou=people,${BASE}\n`);
  });

  it('should refuse a local password for a directory account', async () => {
    const root = await tokenFor(t.app, 'root', ROOT_PASSWORD);
    await tokenFor(t.app, 'bob', PASSWORDS.bob);
    const res = await call(t.app, 'PATCH', '/api/users/bob', { token: root, body: { password: 'Local-pass-for-bob-1' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, message: expect.stringContaining('signs in through LDAP') });
    expect((await login(t.app, 'bob', 'Local-pass-for-bob-1')).status).toBe(401);
  });

  it('should answer 503 for directory users while the directory is down, and still sign local admins in', async () => {
    await slapd.pause();
    try {
      const res = await login(t.app, 'bob', PASSWORDS.bob);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ code: 503, message: expect.stringContaining('Directory unavailable') });
      expect(res.headers['retry-after']).toBe('5');
      expect((await login(t.app, 'root', ROOT_PASSWORD)).status).toBe(200);
      expect(logsOf(t)).toContain(`LDAP directory ${slapd.url}: cannot connect (at starting TLS): `);
      expect(logsOf(t)).toContain('ECONNREFUSED');
    } finally {
      await slapd.resume();
    }
    expect((await login(t.app, 'bob', PASSWORDS.bob)).status).toBe(200);
  });

  it('should never log the service account password', () => {
    const everything = logsOf(t);
    expect(everything).not.toContain(READER_PASSWORD);
    expect(everything).toContain('LDAP sign-in through');
  });
});

describe('LDAP sign-in: memberOf, ldaps://, TLS and service-account failures (SQLite)', () => {
  let backend: Backend;
  const apps: TestApp[] = [];
  const appWith = async (extra: Record<string, string>) => {
    const t = await createTestApp((await backend.freshStore()).env, { env: ldapEnv(slapd, extra) });
    apps.push(t);
    return t;
  };

  beforeAll(async () => {
    backend = await startBackend('sqlite');
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    await backend?.dispose();
  });

  it('should read groups from memberOf over ldaps://, mapping group DNs given as OIDC_ aliases', async () => {
    const t = await appWith({
      LDAP_URL: slapd.ldapsUrl as string,
      LDAP_STARTTLS: 'false',
      LDAP_GROUP_BASE: '',
      LDAP_GROUP_ATTRIBUTE: 'memberOf',
      AUTH_ROLE_MAP: '',
      AUTH_NAMESPACE_MAP: '',
      OIDC_ROLE_MAP: JSON.stringify({ [`cn=k8s-admins,ou=groups,${BASE}`]: 'admin' }),
      OIDC_NAMESPACE_MAP: JSON.stringify({ [`CN=Lab-B, OU=Groups, ${BASE}`]: ['lab-b'], 'lab-a': ['lab-a'] }),
    });
    expect((await login(t.app, 'carol', PASSWORDS.carol)).body.user).toMatchObject({ role: 'viewer', namespaces: ['lab-a', 'lab-b'], source: 'ldap' });
    expect((await login(t.app, 'alice', PASSWORDS.alice)).body.user).toMatchObject({ role: 'admin', namespaces: ['*'] });
    expect((await login(t.app, 'dave', PASSWORDS.dave)).status).toBe(403);
  });

  it('should refuse a directory whose certificate it cannot check (503), and sign in when told not to check', async () => {
    const untrusted = await appWith({ LDAP_TLS_CA_FILE: '' });
    const res = await login(untrusted.app, 'bob', PASSWORDS.bob);
    expect(res.status).toBe(503);
    expect(logsOf(untrusted)).toMatch(/failed while starting TLS: .*(self[- ]signed|certificate)/i);
    const unchecked = await appWith({ LDAP_TLS_CA_FILE: '', LDAP_TLS_REJECT_UNAUTHORIZED: 'false' });
    expect((await login(unchecked.app, 'bob', PASSWORDS.bob)).status).toBe(200);
    expect(unchecked.logs.lines.some((l) => l.includes('LDAP_TLS_REJECT_UNAUTHORIZED=false'))).toBe(true);
  });

  it('should answer 503 when the service account is refused, without logging its password', async () => {
    const t = await appWith({ LDAP_BIND_PASSWORD: 'Wrong-reader-secret-9' });
    noteSecret('Wrong-reader-secret-9');
    const res = await login(t.app, 'bob', PASSWORDS.bob);
    expect(res.status).toBe(503);
    expect(logsOf(t)).toContain('failed while binding as the service account (LDAP_BIND_DN): InvalidCredentialsError (LDAP result 49)');
  });
});
