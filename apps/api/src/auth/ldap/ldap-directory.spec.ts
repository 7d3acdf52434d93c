import { InvalidCredentialsError, SizeLimitExceededError } from 'ldapts';

import { LdapConfig, loadLdapConfig } from '../../config/ldap-config';
import { DirectoryUnavailableError, firstRdnValue, LdapClientFactory, LdapDirectory } from './ldap-directory';

const CONFIG = configured({
  LDAP_URL: 'ldap://127.0.0.1:3890',
  LDAP_BIND_DN: 'cn=reader,dc=example,dc=org',
  LDAP_BIND_PASSWORD: 'reader-secret-1',
  LDAP_USER_BASE: 'ou=people,dc=example,dc=org',
  LDAP_GROUP_ATTRIBUTE: 'memberOf',
});

function configured(env: Record<string, string>): LdapConfig {
  const config = loadLdapConfig(env);
  if (!config) throw new Error('LDAP should be configured');
  return config;
}

const ALICE = { dn: 'uid=alice,ou=people,dc=example,dc=org', UID: 'Alice', mail: 'alice@example.org', memberOf: ['cn=lab-a,ou=groups,dc=example,dc=org', 'staff'] };

/** A stand-in for ldapts' Client that records what it is asked. */
function fakeClient(entries: object[] | Error, password = 'Alice-pass-01') {
  const calls: string[] = [];
  const factory: LdapClientFactory = () => ({
    startTLS: async () => undefined,
    bind: async (dn: unknown, pw?: string) => {
      calls.push(`bind ${String(dn)}`);
      if (dn !== CONFIG.bindDn && pw !== password) throw new InvalidCredentialsError();
    },
    search: async (base: unknown, options?: { filter?: unknown }) => {
      calls.push(`search ${String(base)} ${String(options?.filter)}`);
      if (entries instanceof Error) throw entries;
      return { searchEntries: entries as never, searchReferences: [] };
    },
    unbind: async () => {
      calls.push('unbind');
    },
  });
  return { calls, directory: new LdapDirectory(CONFIG, factory) };
}

describe(LdapDirectory.name, () => {
  it('should search as the service account, then bind as the entry found, and read its groups', async () => {
    const { calls, directory } = fakeClient([ALICE]);
    await expect(directory.authenticate('alice', 'Alice-pass-01')).resolves.toEqual({
      ok: true,
      account: { dn: ALICE.dn, username: 'alice', email: 'alice@example.org', groups: ['cn=lab-a,ou=groups,dc=example,dc=org', 'lab-a', 'staff'] },
    });
    expect(calls).toEqual(['bind cn=reader,dc=example,dc=org', 'search ou=people,dc=example,dc=org (uid=alice)', `bind ${ALICE.dn}`, 'unbind']);
  });

  it('should never bind with an empty password (an anonymous bind directories accept)', async () => {
    const { calls, directory } = fakeClient([ALICE]);
    await expect(directory.authenticate('alice', '')).resolves.toEqual({ ok: false, reason: 'wrong-password' });
    expect(calls).not.toContain(`bind ${ALICE.dn}`);
  });

  it('should tell a wrong password, an unknown user and a filter matching several entries apart', async () => {
    await expect(fakeClient([ALICE]).directory.authenticate('alice', 'nope-nope-1')).resolves.toEqual({ ok: false, reason: 'wrong-password' });
    await expect(fakeClient([]).directory.authenticate('zoe', 'x')).resolves.toEqual({ ok: false, reason: 'no-such-user' });
    await expect(fakeClient([ALICE, ALICE]).directory.authenticate('a', 'x')).resolves.toMatchObject({ ok: false, reason: 'ambiguous-user' });
    await expect(fakeClient(new SizeLimitExceededError()).directory.authenticate('a', 'x')).resolves.toMatchObject({ ok: false, reason: 'ambiguous-user' });
  });

  it('should escape the login name in the filter', async () => {
    const { calls, directory } = fakeClient([]);
    await directory.authenticate('*)(uid=*', 'x');
    expect(calls[1]).toBe('search ou=people,dc=example,dc=org (uid=\\2a\\29\\28uid=\\2a)');
  });

  it('should turn a refused connection into DirectoryUnavailableError, and close the connection', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3890'), { code: 'ECONNREFUSED' });
    const { calls, directory } = fakeClient(refused);
    const err = await directory.authenticate('alice', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirectoryUnavailableError);
    expect((err as Error).message).toBe(
      'LDAP directory ldap://127.0.0.1:3890: cannot connect (at searching for the user (LDAP_USER_BASE, LDAP_USER_FILTER)): Error ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:3890',
    );
    expect((err as Error).message).not.toContain('reader-secret-1');
    expect(calls.at(-1)).toBe('unbind');
  });

  it('should read a group name from a DN', () => {
    expect(firstRdnValue('cn=lab-a,ou=groups,dc=example,dc=org')).toBe('lab-a');
    expect(firstRdnValue('CN=Smith\\, John,OU=x')).toBe('Smith, John');
    expect(firstRdnValue('staff')).toBeUndefined();
  });
});
