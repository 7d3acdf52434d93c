/**
 * The rules a user record obeys, shared by the HTTP DTOs (400 before the service runs) and by the
 * service itself (the CLI reaches it without DTOs). Every message names the field.
 */
import { BadRequestException } from '@nestjs/common';
import { ALL_NAMESPACES, type UserRole } from '@kube-monitoring/contract';
import { isEmail } from 'class-validator';

export const USER_ROLES: readonly UserRole[] = ['admin', 'viewer'];

export const USERNAME_PATTERN = /^[a-z0-9](?:[a-z0-9._@-]{0,62}[a-z0-9])?$/;
export const USERNAME_RULE =
  'username must be 1-64 characters: lower-case letters, digits, ".", "_", "-" or "@", starting and ending with a letter or digit';

/** Kubernetes namespace names are DNS-1123 labels. */
export const NAMESPACE_PATTERN = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
export const NAMESPACE_RULE = 'must be a Kubernetes namespace name (DNS-1123 label: at most 63 lower-case letters, digits or "-", starting and ending with a letter or digit)';
export const MAX_NAMESPACES = 500;

export const PASSWORD_MIN_LENGTH = 10;
/** Bounds the work scrypt does on attacker-chosen input. */
export const PASSWORD_MAX_LENGTH = 1024;
export const PASSWORD_RULE = `password must be ${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters, mix at least two kinds of characters (lower-case, upper-case, digits, symbols) and differ from the username`;

export const EMAIL_MAX_LENGTH = 254;

export function assertValidUsername(username: unknown): asserts username is string {
  if (typeof username !== 'string' || !USERNAME_PATTERN.test(username)) throw new BadRequestException(USERNAME_RULE);
}

export function assertValidEmail(email: unknown): asserts email is string {
  if (typeof email !== 'string' || email.length > EMAIL_MAX_LENGTH || !isEmail(email)) {
    throw new BadRequestException(`email must be a valid e-mail address like name@example.org, got ${JSON.stringify(String(email)).slice(0, 80)}`);
  }
}

export function assertValidRole(role: unknown): asserts role is UserRole {
  if (!USER_ROLES.includes(role as UserRole)) {
    throw new BadRequestException(`role must be one of ${USER_ROLES.join(', ')}, got ${JSON.stringify(String(role)).slice(0, 40)}`);
  }
}

/** Why `password` is too weak for `username`, or undefined when it is acceptable. */
export function passwordWeakness(password: string, username: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `password must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (password.length > PASSWORD_MAX_LENGTH) return `password must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 2) return 'password must mix at least two kinds of characters (lower-case, upper-case, digits, symbols)';
  if (password.toLowerCase() === username.toLowerCase()) return 'password must not be the username';
  return undefined;
}

export function assertStrongPassword(password: unknown, username: string): asserts password is string {
  if (typeof password !== 'string') throw new BadRequestException('password must be a string');
  const weakness = passwordWeakness(password, username);
  if (weakness) throw new BadRequestException(weakness);
}

/** An entry of a user's namespace list: a namespace name, or the `*` that grants all (alone in its list). */
export const NAMESPACE_GRANT_PATTERN = new RegExp(`^(?:\\*|${NAMESPACE_PATTERN.source.slice(1, -1)})$`);

/** True when a stored list grants every namespace: exactly `["*"]`, so anything else fails closed. */
export function grantsAllNamespaces(namespaces: readonly string[]): boolean {
  return namespaces.length === 1 && namespaces[0] === ALL_NAMESPACES;
}

/** The namespaces a new account gets when none are given: admins all, viewers none until granted. */
export function defaultNamespaces(role: UserRole): string[] {
  return role === 'admin' ? [ALL_NAMESPACES] : [];
}

/** Validates, de-duplicates and sorts a namespace list: `["*"]` means all namespaces, `[]` none. */
export function normalizeNamespaces(namespaces: unknown): string[] {
  if (!Array.isArray(namespaces)) throw new BadRequestException('namespaces must be a list of namespace names');
  if (namespaces.length > MAX_NAMESPACES) throw new BadRequestException(`namespaces must list at most ${MAX_NAMESPACES} names`);
  for (const ns of namespaces) {
    if (ns === ALL_NAMESPACES) continue;
    if (typeof ns !== 'string' || !NAMESPACE_PATTERN.test(ns)) {
      throw new BadRequestException(`namespaces: ${JSON.stringify(String(ns)).slice(0, 80)} ${NAMESPACE_RULE}, or "${ALL_NAMESPACES}" alone for all`);
    }
  }
  const unique = [...new Set(namespaces as string[])].sort();
  if (unique.includes(ALL_NAMESPACES) && unique.length > 1) {
    throw new BadRequestException(`namespaces: "${ALL_NAMESPACES}" (all namespaces) must be alone in the list`);
  }
  return unique;
}

/** `a,b , c` (CLI) → `['a','b','c']`; `*` → all namespaces; an empty string → none. */
export function parseNamespaceList(csv: string): string[] {
  return normalizeNamespaces(
    csv
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}
