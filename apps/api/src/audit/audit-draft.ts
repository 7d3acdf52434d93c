import { canonicalJson } from '@kube-monitoring/billing';

import type { AuditDraft } from '../database/audit/audit-chain';

/** What a feature records: who, from where, what, to what, and particulars (never a secret). */
export interface AuditRecord {
  /** `user:<name>`, `service`, `api-key:<id>`, `cli`, `system`, `anonymous` (auditCaller() gives it for a request). */
  actor: string;
  /** The client's IP address; null or absent when there is none (the CLI, the API itself). */
  client?: string | null;
  /** `<subject>.<verb>`: `auth.login`, `user.update`, `ledger.reroll`, … */
  action: string;
  /** What it was done to: `user:<name>`, `api-key:<id>`, … */
  target?: string | null;
  /** Particulars: plain JSON values. Fields named like secrets and values shaped like them are written `[redacted]`. */
  detail?: Record<string, unknown>;
}

/** Bounds of what an entry keeps, so that no caller (or attacker-chosen text in it) can make one large. */
export const AUDIT_LIMITS = {
  actor: 160,
  client: 64,
  action: 64,
  target: 256,
  /** Characters of one string in the detail. */
  text: 512,
  /** Items of one list in the detail. */
  items: 100,
  /** Nesting of the detail. */
  depth: 5,
  /** Size of the detail's canonical JSON; a larger detail is replaced by its size. */
  detailChars: 8192,
} as const;

export const REDACTED = '[redacted]';

/** Field names that hold secrets wherever they appear (`password`, `newPassword`, `accessToken`, `x-api-key`, …). */
const SECRET_FIELD = /pass(word|wd|phrase)?$|password|secret|token|authori[sz]ation|cookie|credential|api[-_]?key|^key$|hash/i;

/** Values shaped like the secrets of this API: API keys, JWTs, bearer headers, scrypt hashes. */
const SECRET_VALUE = /^(kmk_|bearer\s|scrypt\$)|^eyJ[\w-]*\.[\w-]+\./i;

/** An entry as the store appends it: bounded, secrets redacted, its detail as canonical JSON. */
export function auditDraft(record: AuditRecord, atMs = Date.now()): AuditDraft {
  let detailJson: string | null = null;
  if (record.detail !== undefined) {
    detailJson = canonicalJson(sanitized(record.detail, 0));
    if (detailJson.length > AUDIT_LIMITS.detailChars) detailJson = canonicalJson({ truncated: true, chars: detailJson.length });
  }
  return {
    atMs,
    actor: cut(record.actor, AUDIT_LIMITS.actor),
    client: record.client ? cut(record.client, AUDIT_LIMITS.client) : null,
    action: cut(record.action, AUDIT_LIMITS.action),
    target: record.target === undefined || record.target === null ? null : cut(record.target, AUDIT_LIMITS.target),
    detailJson,
  };
}

/** A copy holding only what canonical JSON writes the same everywhere: no undefined, NaN, bigint, class instance or cycle. */
function sanitized(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return SECRET_VALUE.test(value) ? REDACTED : cut(value, AUDIT_LIMITS.text);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'object') return null;
  if (depth >= AUDIT_LIMITS.depth) return '[nested too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, AUDIT_LIMITS.items).map((v) => sanitized(v, depth + 1));
    return value.length > AUDIT_LIMITS.items ? [...items, `[${value.length - AUDIT_LIMITS.items} more]`] : items;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // `__proto__` would set the copy's prototype instead of a field (canonical JSON drops it anyway).
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || key === '__proto__') continue;
    out[key] = SECRET_FIELD.test(key) ? REDACTED : sanitized(v, depth + 1);
  }
  return out;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
