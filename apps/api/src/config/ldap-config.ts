/**
 * LDAP sign-in settings (`LDAP_*`), read and checked at boot with the rest of the configuration.
 * Unset `LDAP_URL`: no LDAP, only local accounts. The bind password is kept here and handed to the
 * directory client only; it is never logged (the config is never logged whole).
 */
import { readFileSync } from 'node:fs';

export interface LdapConfig {
  /** `ldap://host:port` or `ldaps://host:port`. */
  url: string;
  /** The service account that searches for the user's entry; both unset: an anonymous search. */
  bindDn: string | undefined;
  bindPassword: string | undefined;
  /** Where users are searched (subtree). */
  userBase: string;
  /** RFC 4515 filter with `{{username}}`, replaced by the escaped login name. */
  userFilter: string;
  /** The attribute whose value names the account here (lower-cased; must satisfy the username rule). */
  usernameAttribute: string;
  emailAttribute: string;
  /** An attribute of the user's entry listing their groups (`memberOf`): DNs or names. */
  groupAttribute: string | undefined;
  /** A group search, when set: under `groupBase`, `groupFilter` with `{{dn}}` and `{{username}}` escaped. */
  groupBase: string | undefined;
  groupFilter: string;
  /** The attribute naming a group found by the group search (`cn`). */
  groupNameAttribute: string;
  /** Upgrade `ldap://` with StartTLS before anything is sent. */
  startTls: boolean;
  /** PEM of the CA(s) the directory's certificate must chain to; unset: the system's. */
  tlsCa: string | undefined;
  tlsCaFile: string | undefined;
  /** False only for tests: accepts any certificate. */
  tlsRejectUnauthorized: boolean;
  /** Connect and per-operation timeout, ms. */
  timeoutMs: number;
}

export class LdapConfigError extends Error {}

type Env = Record<string, string | undefined>;

const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

export function loadLdapConfig(env: Env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): LdapConfig | undefined {
  const url = env['LDAP_URL']?.trim();
  if (!url) {
    const stray = Object.keys(env).find((k) => k.startsWith('LDAP_') && env[k]);
    if (stray) throw new LdapConfigError(`${stray} is set but LDAP_URL is not: set LDAP_URL to sign people in through the directory, or unset ${stray}`);
    return undefined;
  }
  if (!/^ldaps?:\/\/[^\s/]+\/?$/i.test(url)) throw new LdapConfigError(`LDAP_URL must be ldap://host[:port] or ldaps://host[:port], got "${url.slice(0, 120)}"`);
  const secure = /^ldaps:/i.test(url);

  const bindDn = env['LDAP_BIND_DN']?.trim() || undefined;
  const bindPassword = env['LDAP_BIND_PASSWORD'] || undefined;
  if (bindDn && !bindPassword) throw new LdapConfigError('LDAP_BIND_PASSWORD is required with LDAP_BIND_DN (the service account that searches for users)');
  if (!bindDn && bindPassword) throw new LdapConfigError('LDAP_BIND_DN is required with LDAP_BIND_PASSWORD');

  const userBase = required(env, 'LDAP_USER_BASE', 'the DN under which users are searched, e.g. ou=people,dc=example,dc=org');
  const userFilter = env['LDAP_USER_FILTER']?.trim() || '(uid={{username}})';
  if (!userFilter.includes('{{username}}')) throw new LdapConfigError('LDAP_USER_FILTER must contain {{username}}, e.g. (&(objectClass=inetOrgPerson)(uid={{username}}))');
  checkFilterShape('LDAP_USER_FILTER', userFilter);

  const groupAttribute = attribute(env, 'LDAP_GROUP_ATTRIBUTE', undefined);
  const groupBase = env['LDAP_GROUP_BASE']?.trim() || undefined;
  const groupFilter = env['LDAP_GROUP_FILTER']?.trim() || '(|(member={{dn}})(uniqueMember={{dn}}))';
  checkFilterShape('LDAP_GROUP_FILTER', groupFilter);
  if (!groupAttribute && !groupBase) {
    throw new LdapConfigError('LDAP needs a way to find groups: set LDAP_GROUP_ATTRIBUTE (e.g. memberOf) or LDAP_GROUP_BASE (a group search), or both');
  }

  const startTls = bool(env, 'LDAP_STARTTLS', false);
  if (startTls && secure) throw new LdapConfigError('LDAP_STARTTLS is for ldap:// URLs; ldaps:// is TLS from the start');
  const tlsCaFile = env['LDAP_TLS_CA_FILE']?.trim() || undefined;
  let tlsCa: string | undefined;
  if (tlsCaFile) {
    try {
      tlsCa = readFile(tlsCaFile);
    } catch (err) {
      throw new LdapConfigError(`LDAP_TLS_CA_FILE: cannot read ${tlsCaFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (!tlsCa.includes('-----BEGIN CERTIFICATE-----')) throw new LdapConfigError(`LDAP_TLS_CA_FILE: ${tlsCaFile} holds no PEM certificate`);
  }

  return {
    url: url.replace(/\/$/, ''),
    bindDn,
    bindPassword,
    userBase,
    userFilter,
    usernameAttribute: attribute(env, 'LDAP_USERNAME_ATTRIBUTE', 'uid') as string,
    emailAttribute: attribute(env, 'LDAP_EMAIL_ATTRIBUTE', 'mail') as string,
    groupAttribute,
    groupBase,
    groupFilter,
    groupNameAttribute: attribute(env, 'LDAP_GROUP_NAME_ATTRIBUTE', 'cn') as string,
    startTls,
    tlsCa,
    tlsCaFile,
    tlsRejectUnauthorized: bool(env, 'LDAP_TLS_REJECT_UNAUTHORIZED', true),
    timeoutMs: timeoutMs(env),
  };
}

/** Whether the connection carries the passwords in clear text over a network (not loopback). */
export function ldapSendsPasswordsInClear(config: LdapConfig): boolean {
  if (config.startTls || /^ldaps:/i.test(config.url)) return false;
  const host = config.url.replace(/^ldap:\/\//i, '').replace(/:\d+$/, '');
  return !['127.0.0.1', 'localhost', '[::1]'].includes(host.toLowerCase());
}

function required(env: Env, name: string, what: string): string {
  const v = env[name]?.trim();
  if (!v) throw new LdapConfigError(`${name} is required with LDAP_URL: ${what}`);
  return v;
}

function attribute(env: Env, name: string, fallback: string | undefined): string | undefined {
  const v = env[name]?.trim() || fallback;
  if (v !== undefined && !ATTRIBUTE.test(v)) throw new LdapConfigError(`${name} must be an attribute name like memberOf, got "${v.slice(0, 80)}"`);
  return v;
}

/** A filter is parenthesised and balanced (placeholders aside); the directory checks the rest at the first sign-in. */
function checkFilterShape(name: string, filter: string): void {
  let depth = 0;
  for (const c of filter.replace(/\\./g, '')) {
    if (c === '(') depth += 1;
    if (c === ')') depth -= 1;
    if (depth < 0) break;
  }
  if (!filter.startsWith('(') || !filter.endsWith(')') || depth !== 0) throw new LdapConfigError(`${name} must be an LDAP filter in parentheses, got "${filter.slice(0, 120)}"`);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new LdapConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function timeoutMs(env: Env): number {
  const raw = env['LDAP_TIMEOUT']?.trim();
  if (!raw) return 5000;
  const m = /^(\d+)(ms|s)?$/.exec(raw);
  const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : 1000) : NaN;
  if (!Number.isFinite(ms) || ms < 100 || ms > 120_000) throw new LdapConfigError(`LDAP_TIMEOUT must be a duration between 100ms and 120s like 5s or 1500ms, got "${raw}"`);
  return ms;
}
