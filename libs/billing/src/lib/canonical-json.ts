import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit (JavaScript's default sort, which is
 * also `jq -S`'s for ASCII keys), no whitespace, arrays in their order, `undefined` members left
 * out. What a closed period's SHA-256 and the audit chain hash, so anyone can recompute them.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sorted(value));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value !== null && typeof value === 'object') {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return sorted(json.call(value));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sorted(member);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('canonical JSON holds finite numbers only');
  return value;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
