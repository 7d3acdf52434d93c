/**
 * Signs a person in against the institution's directory with ldapts: search-then-bind. The service
 * account (or an anonymous bind) searches `LDAP_USER_BASE` with `LDAP_USER_FILTER`, the login name
 * escaped (RFC 4515); exactly one entry must match. Their groups are read as the service account
 * (`LDAP_GROUP_ATTRIBUTE` on the entry, and/or a search under `LDAP_GROUP_BASE`); then the same
 * connection binds as the entry's DN with the password given, which is the password check. One
 * connection per sign-in, upgraded by StartTLS first when configured, closed at the end.
 *
 * Framework-free; the caller maps the answers to HTTP (401, 403, 503).
 */
import { Client, InvalidCredentialsError, ResultCodeError, type Entry } from 'ldapts';

import type { LdapConfig } from '../../config/ldap-config';
import { fillFilter } from './ldap-filter';

/** What the directory says of a person whose password it accepted. */
export interface DirectoryAccount {
  dn: string;
  /** The entry's `LDAP_USERNAME_ATTRIBUTE`, lower-cased: the account's name here. */
  username: string;
  email: string;
  /** Each group as its name and its DN (the mapping may name either). */
  groups: string[];
}

export type DirectoryAnswer =
  | { ok: true; account: DirectoryAccount }
  /** Why the sign-in failed; the caller answers 401 alike for every reason. */
  | { ok: false; reason: 'no-such-user' | 'ambiguous-user' | 'wrong-password' | 'unusable-entry'; detail?: string };

/** The directory could not be asked (down, unreachable, TLS refused, service account refused, a bad base or filter). */
export class DirectoryUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'DirectoryUnavailableError';
  }
}

/** The smallest piece of ldapts this uses, so specs can stand in for it. */
export type LdapClientFactory = (config: LdapConfig) => Pick<Client, 'startTLS' | 'bind' | 'search' | 'unbind'>;

export const defaultLdapClient: LdapClientFactory = (config) =>
  new Client({
    url: config.url,
    timeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    // Only for ldaps://: ldapts speaks TLS from the first byte whenever tlsOptions are given, which
    // would break StartTLS on an ldap:// port.
    ...(/^ldaps:/i.test(config.url) ? { tlsOptions: tlsOptions(config) } : {}),
  });

function tlsOptions(config: LdapConfig): { ca?: string; rejectUnauthorized: boolean } {
  return { ...(config.tlsCa ? { ca: config.tlsCa } : {}), rejectUnauthorized: config.tlsRejectUnauthorized };
}

const USERNAME_MAX = 64;

export class LdapDirectory {
  constructor(
    private readonly config: LdapConfig,
    private readonly connect: LdapClientFactory = defaultLdapClient,
  ) {}

  async authenticate(login: string, password: string): Promise<DirectoryAnswer> {
    const client = this.connect(this.config);
    let step = 'connecting';
    try {
      if (this.config.startTls) {
        step = 'starting TLS';
        await client.startTLS(tlsOptions(this.config));
      }
      if (this.config.bindDn) {
        step = 'binding as the service account (LDAP_BIND_DN)';
        await client.bind(this.config.bindDn, this.config.bindPassword);
      }
      step = 'searching for the user (LDAP_USER_BASE, LDAP_USER_FILTER)';
      const filter = fillFilter(this.config.userFilter, { username: login });
      const attributes = [this.config.usernameAttribute, this.config.emailAttribute, ...(this.config.groupAttribute ? [this.config.groupAttribute] : [])];
      const { searchEntries } = await client.search(this.config.userBase, { scope: 'sub', filter, attributes, sizeLimit: 2 }).catch((err: unknown) => {
        // More than one entry: the filter does not name one person.
        if (err instanceof ResultCodeError && err.code === 4) return { searchEntries: [{}, {}] as Entry[] };
        throw err;
      });
      if (searchEntries.length === 0) return { ok: false, reason: 'no-such-user' };
      if (searchEntries.length > 1) return { ok: false, reason: 'ambiguous-user', detail: 'LDAP_USER_FILTER matched more than one entry' };
      const entry = searchEntries[0];

      const username = firstValue(entry, this.config.usernameAttribute)?.toLowerCase();
      if (!username || username.length > USERNAME_MAX) {
        return { ok: false, reason: 'unusable-entry', detail: `the entry has no ${this.config.usernameAttribute} of at most ${USERNAME_MAX} characters` };
      }
      step = 'reading the groups (LDAP_GROUP_ATTRIBUTE, LDAP_GROUP_BASE, LDAP_GROUP_FILTER)';
      const groups = await this.groupsOf(client, entry, username);

      // An empty password would be an unauthenticated bind (RFC 4513 §5.1.2), which directories accept.
      if (password.length === 0) return { ok: false, reason: 'wrong-password' };
      step = 'binding as the user';
      try {
        await client.bind(entry.dn, password);
      } catch (err) {
        if (err instanceof InvalidCredentialsError) return { ok: false, reason: 'wrong-password' };
        throw err;
      }
      return { ok: true, account: { dn: entry.dn, username, email: firstValue(entry, this.config.emailAttribute) ?? '', groups } };
    } catch (err) {
      // ldapts connects at the first operation: a refused or silent connection fails whatever step that was.
      const what = isConnectionError(err) ? `cannot connect (at ${step})` : `failed while ${step}`;
      throw new DirectoryUnavailableError(`LDAP directory ${this.config.url}: ${what}: ${describe(err)}`, err);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  private async groupsOf(client: Pick<Client, 'search'>, entry: Entry, username: string): Promise<string[]> {
    const groups = new Set<string>();
    if (this.config.groupAttribute) {
      for (const value of allValues(entry, this.config.groupAttribute)) {
        groups.add(value);
        const name = firstRdnValue(value);
        if (name) groups.add(name);
      }
    }
    if (this.config.groupBase) {
      const filter = fillFilter(this.config.groupFilter, { dn: entry.dn, username });
      const { searchEntries } = await client.search(this.config.groupBase, { scope: 'sub', filter, attributes: [this.config.groupNameAttribute], paged: { pageSize: 500 } });
      for (const group of searchEntries) {
        groups.add(group.dn);
        for (const name of allValues(group, this.config.groupNameAttribute)) groups.add(name);
      }
    }
    return [...groups];
  }
}

/** Attribute names come back as the server spells them: look them up case-insensitively. */
function allValues(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  if (!key || key === 'dn') return key === 'dn' ? [entry.dn] : [];
  const raw = entry[key];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v))).filter((v) => v !== '');
}

function firstValue(entry: Entry, attribute: string): string | undefined {
  return allValues(entry, attribute)[0];
}

/** `cn=lab-a,ou=groups,dc=example,dc=org` → `lab-a`; not a DN → undefined. */
export function firstRdnValue(dn: string): string | undefined {
  const m = /^\s*[A-Za-z][\w.-]*\s*=\s*((?:\\.|[^,+\\])*)/.exec(dn);
  if (!m || !dn.includes('=')) return undefined;
  const value = m[1].trim().replace(/\\([0-9a-fA-F]{2}|.)/g, (_, e: string) => (e.length === 2 ? String.fromCharCode(parseInt(e, 16)) : e));
  return value || undefined;
}

function isErrorLike(err: unknown): err is Error {
  return typeof err === 'object' && err !== null && typeof (err as Error).message === 'string' && typeof (err as Error).name === 'string';
}

function isConnectionError(err: unknown): boolean {
  // Duck-typed: socket errors may come from another realm (a test VM), where instanceof Error fails.
  if (!isErrorLike(err) || err instanceof ResultCodeError) return false;
  // ldapts passes some socket errors on as plain Errors: the code may be in the message only.
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const codes = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)\b/;
  return codes.test(code) || codes.test(err.message) || /^Connection (timeout|closed)/i.test(err.message);
}

/** Type, code and message: nothing of the request (the bind password is never part of an ldapts error). */
function describe(err: unknown): string {
  if (err instanceof ResultCodeError) return `${err.name} (LDAP result ${err.code}): ${err.message}`;
  if (isErrorLike(err)) {
    const code = (err as NodeJS.ErrnoException).code;
    return `${err.name}${code ? ` ${code}` : ''}: ${err.message}`;
  }
  return String(err);
}
