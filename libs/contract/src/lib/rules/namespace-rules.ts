/**
 * Kubernetes namespace names are DNS-1123 labels: lower-case letters, digits and "-", starting and
 * ending with a letter or digit, at most 63 characters. The shape and the length are two checks so
 * that each can say what is wrong.
 */
export const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const NAMESPACE_MAX_LENGTH = 63;

/** What a namespace name must be, to follow "<field>: ". */
export const NAMESPACE_RULE = `must be a Kubernetes namespace name (DNS-1123 label: at most ${NAMESPACE_MAX_LENGTH} lower-case letters, digits or "-", starting and ending with a letter or digit)`;

export function isNamespaceName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= NAMESPACE_MAX_LENGTH && NAMESPACE_PATTERN.test(value);
}
