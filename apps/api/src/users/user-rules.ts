/**
 * The account rules (`@kube-monitoring/contract`) applied where no DTO ran before: the service
 * checks every input again, since the CLI reaches it without DTOs. Every message names the field.
 */
import { BadRequestException } from '@nestjs/common';
import { isEmail } from 'class-validator';

import {
  ALL_NAMESPACES,
  EMAIL_MAX_LENGTH,
  isNamespaceName,
  MAX_NAMESPACES,
  NAMESPACE_RULE,
  passwordWeakness,
  USER_ROLES,
  USERNAME_PATTERN,
  USERNAME_RULE,
  type UserRole,
} from '@kube-monitoring/contract';

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

export function assertStrongPassword(password: unknown, username: string): asserts password is string {
  if (typeof password !== 'string') throw new BadRequestException('password must be a string');
  const weakness = passwordWeakness(password, username);
  if (weakness) throw new BadRequestException(weakness);
}

/** Validates, de-duplicates and sorts a namespace list: `["*"]` means all namespaces, `[]` none. */
export function normalizeNamespaces(namespaces: unknown): string[] {
  if (!Array.isArray(namespaces)) throw new BadRequestException('namespaces must be a list of namespace names');
  if (namespaces.length > MAX_NAMESPACES) throw new BadRequestException(`namespaces must list at most ${MAX_NAMESPACES} names`);
  for (const ns of namespaces) {
    if (ns === ALL_NAMESPACES) continue;
    if (!isNamespaceName(ns)) {
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
