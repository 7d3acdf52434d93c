/**
 * Which role and namespaces a person signed in by an institution's identity provider gets, from the
 * groups the provider says they are in. One mapping for every provider (LDAP today, OpenID Connect
 * next): each hands its group names (LDAP: the group's name and DN; OIDC: the groups claim) to
 * `resolve()` at each sign-in. Framework-free: no NestJS, no LDAP, no HTTP.
 *
 * Configured by `AUTH_ROLE_MAP` and `AUTH_NAMESPACE_MAP` (the issue's `OIDC_ROLE_MAP` and
 * `OIDC_NAMESPACE_MAP` are accepted as the same settings), or by a JSON file `AUTH_GROUP_MAP_FILE`.
 */
import { readFileSync } from 'node:fs';

import { ALL_NAMESPACES, MAX_NAMESPACES, NAMESPACE_GRANT_PATTERN, USER_ROLES, type UserRole } from '@kube-monitoring/contract';

export interface GroupGrant {
  role: UserRole;
  /** `["*"]` = all, `[]` = none; sorted, no duplicates. */
  namespaces: string[];
}

/** What the mapping says of one person, or why it grants nothing. */
export type GroupResolution = { granted: true; grant: GroupGrant; groups: string[] } | { granted: false; reason: string };

/** The mapping as configured: group → role, group → namespaces (group names as written, compared case-insensitively). */
export interface GroupMappingSpec {
  roles: Record<string, UserRole>;
  namespaces: Record<string, string[]>;
}

export class GroupMappingError extends Error {}

const ROLE_RANK: Record<UserRole, number> = { viewer: 0, admin: 1 };

/**
 * Groups are compared case-insensitively (directories compare names and DNs so), and a DN's spaces
 * after commas and around `=` do not count: `CN=Lab A, OU=Groups` is `cn=lab a,ou=groups`.
 */
export function normalizeGroup(group: string): string {
  return group
    .trim()
    .replace(/\s*([,=])\s*/g, '$1')
    .toLowerCase();
}

export class GroupMapping {
  private readonly roles = new Map<string, { group: string; role: UserRole }>();
  private readonly namespaces = new Map<string, { group: string; namespaces: string[] }>();

  constructor(readonly spec: GroupMappingSpec) {
    for (const [group, role] of Object.entries(spec.roles)) this.roles.set(normalizeGroup(group), { group, role });
    for (const [group, namespaces] of Object.entries(spec.namespaces)) this.namespaces.set(normalizeGroup(group), { group, namespaces });
  }

  /** True when no group is mapped to anything (then nobody from a provider may sign in). */
  get empty(): boolean {
    return this.roles.size === 0 && this.namespaces.size === 0;
  }

  /**
   * The grant for someone in `groups`. A group counts when either map names it. The role is the
   * highest any of their groups gives (admin over viewer), viewer when only the namespace map names
   * their groups; the namespaces are the union over their groups (`*` among them: all). An admin
   * whose groups name no namespaces sees all, as a new local admin does. In no mapped group: not
   * granted, so the sign-in is refused (never a silent viewer of nothing).
   */
  resolve(groups: readonly string[]): GroupResolution {
    let role: UserRole | undefined;
    const namespaces = new Set<string>();
    let namespaceEntries = 0;
    const matched = new Set<string>();
    for (const group of new Set(groups.map(normalizeGroup))) {
      const byRole = this.roles.get(group);
      if (byRole) {
        matched.add(byRole.group);
        if (role === undefined || ROLE_RANK[byRole.role] > ROLE_RANK[role]) role = byRole.role;
      }
      const byNamespace = this.namespaces.get(group);
      if (byNamespace) {
        matched.add(byNamespace.group);
        namespaceEntries += 1;
        for (const ns of byNamespace.namespaces) namespaces.add(ns);
      }
    }
    if (matched.size === 0) return { granted: false, reason: 'in no group that AUTH_ROLE_MAP or AUTH_NAMESPACE_MAP maps' };
    const finalRole = role ?? 'viewer';
    let list: string[];
    if (namespaces.has(ALL_NAMESPACES) || (finalRole === 'admin' && namespaceEntries === 0)) list = [ALL_NAMESPACES];
    else list = [...namespaces].sort();
    if (list.length > MAX_NAMESPACES) list = list.slice(0, MAX_NAMESPACES);
    return { granted: true, grant: { role: finalRole, namespaces: list }, groups: [...matched].sort() };
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads the mapping from the environment: `AUTH_GROUP_MAP_FILE` (JSON `{"roles": {…}, "namespaces": {…}}`),
 * or `AUTH_ROLE_MAP` / `AUTH_NAMESPACE_MAP` (JSON objects, or `group=value` entries separated by `;`).
 * `OIDC_ROLE_MAP` / `OIDC_NAMESPACE_MAP` are aliases; setting an alias and its `AUTH_` name differently
 * is an error, as are the file and the variables together. Errors name the variable.
 */
export function loadGroupMapping(env: Env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): GroupMapping {
  const roleRaw = aliased(env, 'AUTH_ROLE_MAP', 'OIDC_ROLE_MAP');
  const namespaceRaw = aliased(env, 'AUTH_NAMESPACE_MAP', 'OIDC_NAMESPACE_MAP');
  const file = env['AUTH_GROUP_MAP_FILE']?.trim();
  if (file) {
    if (roleRaw.value !== undefined || namespaceRaw.value !== undefined) {
      throw new GroupMappingError(
        `AUTH_GROUP_MAP_FILE cannot be combined with ${roleRaw.value !== undefined ? roleRaw.name : namespaceRaw.name}: put the whole mapping in one place`,
      );
    }
    let text: string;
    try {
      text = readFile(file);
    } catch (err) {
      throw new GroupMappingError(`AUTH_GROUP_MAP_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new GroupMappingError(`AUTH_GROUP_MAP_FILE: ${file} is not JSON (expected {"roles": {"group": "admin"}, "namespaces": {"group": ["ns"]}})`);
    }
    if (!isPlainObject(parsed)) throw new GroupMappingError(`AUTH_GROUP_MAP_FILE: ${file} must hold a JSON object with "roles" and/or "namespaces"`);
    const unknown = Object.keys(parsed).filter((k) => k !== 'roles' && k !== 'namespaces');
    if (unknown.length > 0) throw new GroupMappingError(`AUTH_GROUP_MAP_FILE: unknown key "${unknown[0]}" (expected "roles" and "namespaces")`);
    return new GroupMapping({
      roles: roleEntries('AUTH_GROUP_MAP_FILE roles', parsed['roles'] ?? {}),
      namespaces: namespaceEntries('AUTH_GROUP_MAP_FILE namespaces', parsed['namespaces'] ?? {}),
    });
  }
  return new GroupMapping({
    roles: roleEntries(roleRaw.name, parseMapText(roleRaw.name, roleRaw.value)),
    namespaces: namespaceEntries(namespaceRaw.name, parseMapText(namespaceRaw.name, namespaceRaw.value, true)),
  });
}

function aliased(env: Env, name: string, alias: string): { name: string; value: string | undefined } {
  const main = env[name]?.trim() || undefined;
  const other = env[alias]?.trim() || undefined;
  if (main !== undefined && other !== undefined && main !== other) {
    throw new GroupMappingError(`${name} and ${alias} are the same setting (${alias} is an alias) but differ: set one`);
  }
  if (main !== undefined) return { name, value: main };
  return { name: other !== undefined ? alias : name, value: other };
}

/** A JSON object, or `group=value;group=value` (the last `=` separates, so a DN may be the group). */
function parseMapText(name: string, raw: string | undefined, listValues = false): unknown {
  if (raw === undefined) return {};
  if (raw.startsWith('{')) {
    try {
      return JSON.parse(raw);
    } catch {
      throw new GroupMappingError(`${name} is not valid JSON`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const part of raw.split(/[;\n]/)) {
    const entry = part.trim();
    if (!entry) continue;
    const at = entry.lastIndexOf('=');
    if (at <= 0) throw new GroupMappingError(`${name}: "${entry.slice(0, 80)}" is not group=${listValues ? 'namespace,namespace' : 'role'}`);
    const group = entry.slice(0, at).trim();
    const value = entry.slice(at + 1).trim();
    out[group] = listValues ? value.split(/[\s,]+/).filter(Boolean) : value;
  }
  return out;
}

function roleEntries(name: string, value: unknown): Record<string, UserRole> {
  if (!isPlainObject(value)) throw new GroupMappingError(`${name} must map group names to roles`);
  const out: Record<string, UserRole> = {};
  for (const [group, role] of Object.entries(value)) {
    checkGroup(name, group);
    if (typeof role !== 'string' || !(USER_ROLES as readonly string[]).includes(role)) {
      throw new GroupMappingError(`${name}: group "${group}" maps to ${JSON.stringify(role)}, not one of ${USER_ROLES.join(', ')}`);
    }
    out[group] = role as UserRole;
  }
  return out;
}

function namespaceEntries(name: string, value: unknown): Record<string, string[]> {
  if (!isPlainObject(value)) throw new GroupMappingError(`${name} must map group names to lists of namespaces`);
  const out: Record<string, string[]> = {};
  for (const [group, list] of Object.entries(value)) {
    checkGroup(name, group);
    const namespaces = typeof list === 'string' ? [list] : list;
    if (!Array.isArray(namespaces) || namespaces.some((ns) => typeof ns !== 'string')) {
      throw new GroupMappingError(`${name}: group "${group}" must map to a list of namespaces`);
    }
    for (const ns of namespaces as string[]) {
      if (!NAMESPACE_GRANT_PATTERN.test(ns)) throw new GroupMappingError(`${name}: group "${group}": "${ns.slice(0, 80)}" is not a namespace name or *`);
    }
    if (namespaces.length > MAX_NAMESPACES) throw new GroupMappingError(`${name}: group "${group}" names more than ${MAX_NAMESPACES} namespaces`);
    out[group] = [...new Set(namespaces as string[])].sort();
  }
  return out;
}

function checkGroup(name: string, group: string): void {
  if (group.trim() === '' || group.length > 1024) throw new GroupMappingError(`${name}: group names must be 1-1024 characters`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
