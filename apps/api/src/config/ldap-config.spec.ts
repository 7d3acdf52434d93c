import { LdapConfig, LdapConfigError, ldapSendsPasswordsInClear, loadLdapConfig } from './ldap-config';

const BASE = { LDAP_URL: 'ldap://ldap.example.org:389', LDAP_USER_BASE: 'ou=people,dc=example,dc=org', LDAP_GROUP_ATTRIBUTE: 'memberOf' };

function configured(env: Record<string, string>): LdapConfig {
  const config = loadLdapConfig(env);
  if (!config) throw new Error('LDAP should be configured');
  return config;
}

describe('loadLdapConfig', () => {
  it('should be off without LDAP_URL, and refuse LDAP_ settings that would do nothing', () => {
    expect(loadLdapConfig({})).toBeUndefined();
    expect(() => loadLdapConfig({ LDAP_BIND_DN: 'cn=reader' })).toThrow('LDAP_BIND_DN is set but LDAP_URL is not');
  });

  it('should default to (uid={{username}}), uid, mail, cn, a member group filter, 5 s and certificate checks', () => {
    expect(loadLdapConfig(BASE)).toEqual({
      url: 'ldap://ldap.example.org:389',
      bindDn: undefined,
      bindPassword: undefined,
      userBase: 'ou=people,dc=example,dc=org',
      userFilter: '(uid={{username}})',
      usernameAttribute: 'uid',
      emailAttribute: 'mail',
      groupAttribute: 'memberOf',
      groupBase: undefined,
      groupFilter: '(|(member={{dn}})(uniqueMember={{dn}}))',
      groupNameAttribute: 'cn',
      startTls: false,
      tlsCa: undefined,
      tlsCaFile: undefined,
      tlsRejectUnauthorized: true,
      timeoutMs: 5000,
    });
  });

  it('should read the service account, StartTLS, the CA file and the timeout', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const config = loadLdapConfig(
      { ...BASE, LDAP_BIND_DN: 'cn=reader,dc=example,dc=org', LDAP_BIND_PASSWORD: 'reader-secret-1', LDAP_STARTTLS: 'true', LDAP_TLS_CA_FILE: '/ca.pem', LDAP_TIMEOUT: '1500ms' },
      () => pem,
    );
    expect(config).toMatchObject({ bindDn: 'cn=reader,dc=example,dc=org', bindPassword: 'reader-secret-1', startTls: true, tlsCa: pem, timeoutMs: 1500 });
  });

  it('should refuse incomplete or contradictory settings, naming the variable', () => {
    const bad = (env: Record<string, string>, message: string | RegExp, read?: () => string) =>
      expect(() => loadLdapConfig({ ...BASE, ...env }, read)).toThrow(typeof message === 'string' ? new LdapConfigError(message) : message);
    bad({ LDAP_URL: 'http://ldap' }, /LDAP_URL must be ldap:\/\/host/);
    bad({ LDAP_BIND_DN: 'cn=reader' }, /LDAP_BIND_PASSWORD is required with LDAP_BIND_DN/);
    bad({ LDAP_USER_BASE: '' }, /LDAP_USER_BASE is required/);
    bad({ LDAP_USER_FILTER: '(uid=alice)' }, /LDAP_USER_FILTER must contain \{\{username\}\}/);
    bad({ LDAP_USER_FILTER: '(uid={{username}}' }, /LDAP_USER_FILTER must be an LDAP filter/);
    bad({ LDAP_GROUP_ATTRIBUTE: '' }, /set LDAP_GROUP_ATTRIBUTE .* or LDAP_GROUP_BASE/);
    bad({ LDAP_URL: 'ldaps://ldap', LDAP_STARTTLS: 'true' }, /LDAP_STARTTLS is for ldap:\/\//);
    bad({ LDAP_TLS_REJECT_UNAUTHORIZED: 'maybe' }, 'LDAP_TLS_REJECT_UNAUTHORIZED must be true or false, got "maybe"');
    bad({ LDAP_TLS_CA_FILE: '/nope.pem' }, /LDAP_TLS_CA_FILE: cannot read \/nope.pem/, () => {
      throw Object.assign(new Error('no'), { code: 'ENOENT' });
    });
    bad({ LDAP_GROUP_ATTRIBUTE: 'member of' }, /LDAP_GROUP_ATTRIBUTE must be an attribute name/);
  });

  it('should tell when passwords would cross a network in clear', () => {
    expect(ldapSendsPasswordsInClear(configured(BASE))).toBe(true);
    expect(ldapSendsPasswordsInClear(configured({ ...BASE, LDAP_STARTTLS: 'true' }))).toBe(false);
    expect(ldapSendsPasswordsInClear(configured({ ...BASE, LDAP_URL: 'ldaps://ldap.example.org' }))).toBe(false);
    expect(ldapSendsPasswordsInClear(configured({ ...BASE, LDAP_URL: 'ldap://127.0.0.1:3890' }))).toBe(false);
  });
});
