import { ALL_NAMESPACES, type UserRole } from '../api-types';
import { NAMESPACE_MAX_LENGTH, NAMESPACE_PATTERN } from './namespace-rules';

/**
 * The rules a user account obeys, the same for the API (which enforces them) and the dashboard
 * (which refuses what the API would refuse before sending it). Messages name the field.
 */
export const USER_ROLES: readonly UserRole[] = ['admin', 'viewer'];

export const USERNAME_MAX_LENGTH = 64;
export const USERNAME_PATTERN = /^[a-z0-9](?:[a-z0-9._@-]{0,62}[a-z0-9])?$/;
export const USERNAME_RULE = 'username must be 1-64 characters: lower-case letters, digits, ".", "_", "-" or "@", starting and ending with a letter or digit';

export const PASSWORD_MIN_LENGTH = 10;
/** Bounds the work scrypt does on attacker-chosen input. */
export const PASSWORD_MAX_LENGTH = 1024;
export const PASSWORD_RULE = `password must be ${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters, mix at least two kinds of characters (lower-case, upper-case, digits, symbols) and differ from the username`;

export const EMAIL_MAX_LENGTH = 254;

/** Most namespaces one account may be granted. */
export const MAX_NAMESPACES = 500;

/** Why `password` is too weak for `username`, or undefined when it is acceptable. */
export function passwordWeakness(password: string, username: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `password must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (password.length > PASSWORD_MAX_LENGTH) return `password must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 2) return 'password must mix at least two kinds of characters (lower-case, upper-case, digits, symbols)';
  if (password.toLowerCase() === username.toLowerCase()) return 'password must not be the username';
  return undefined;
}

/** An entry of a user's namespace list: a namespace name, or the `*` that grants all (alone in its list). */
export const NAMESPACE_GRANT_PATTERN = new RegExp(`^(?:\\*|(?=.{1,${NAMESPACE_MAX_LENGTH}}$)${NAMESPACE_PATTERN.source.slice(1, -1)})$`);

/** True when a stored list grants every namespace: exactly `["*"]`, so anything else fails closed. */
export function grantsAllNamespaces(namespaces: readonly string[]): boolean {
  return namespaces.length === 1 && namespaces[0] === ALL_NAMESPACES;
}

/** The namespaces a new account gets when none are given: admins all, viewers none until granted. */
export function defaultNamespaces(role: UserRole): string[] {
  return role === 'admin' ? [ALL_NAMESPACES] : [];
}
