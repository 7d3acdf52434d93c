import { canonicalJson, sha256Hex } from '@kube-monitoring/billing';

/** The `prev` of the first entry: no entry before it. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * One entry of the audit trail, exactly as the API shows it and as its hash covers it: an auditor
 * takes an entry of `GET /api/audit`, leaves out `hash`, and `sha256Hex(canonicalJson(rest))` must
 * give `hash` back; `prev` must be the `hash` of the entry with `seq - 1` (`GENESIS_HASH` for 1).
 */
export interface AuditEntry {
  /** 1, 2, 3, … without gaps: the order in which entries were written. */
  seq: number;
  /** When it happened, ISO-8601 UTC with milliseconds. */
  at: string;
  /** Who: `user:<name>`, `service`, `api-key:<id>`, `cli`, `system`, `anonymous`. */
  actor: string;
  /** The client's IP address, or null (the CLI, the API itself). */
  client: string | null;
  /** What: `auth.login`, `user.create`, `ledger.reroll`, … */
  action: string;
  /** What it was done to (`user:<name>`, `api-key:<id>`, …), or null. */
  target: string | null;
  /**
   * Particulars (never a secret), or null. A string only when the stored text is not JSON, which
   * only tampering can cause (verify names the entry).
   */
  detail: Record<string, unknown> | string | null;
  /** The hash of the entry before. */
  prev: string;
  hash: string;
}

/** An entry to append: what the caller says, before the store numbers and links it. */
export interface AuditDraft {
  atMs: number;
  actor: string;
  client: string | null;
  action: string;
  target: string | null;
  /** Canonical JSON of an object, or null. */
  detailJson: string | null;
}

/** The hash of an entry: SHA-256 (hex) of the canonical JSON of every field but the hash itself. */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, actor, client, action, target, detail, prev } = entry;
  return sha256Hex(canonicalJson({ seq, at, actor, client, action, target, detail, prev }));
}

/** The instant of an entry as its hash covers it (the store keeps epoch milliseconds). */
export function auditInstant(atMs: number): string {
  return new Date(atMs).toISOString();
}

/** The detail as its hash covers it: the value of the stored JSON text (the text itself when it is not JSON). */
export function auditDetail(detailJson: string | null): AuditEntry['detail'] {
  if (detailJson === null) return null;
  try {
    return JSON.parse(detailJson) as Record<string, unknown>;
  } catch {
    return detailJson;
  }
}

/** Numbers and links `drafts` after the newest entry of the trail (`last`; undefined for an empty trail). */
export function chainAfter(last: Pick<AuditEntry, 'seq' | 'hash'> | undefined, drafts: readonly AuditDraft[]): AuditEntry[] {
  let seq = last?.seq ?? 0;
  let prev = last?.hash ?? GENESIS_HASH;
  return drafts.map((d) => {
    seq += 1;
    const content = { seq, at: auditInstant(d.atMs), actor: d.actor, client: d.client, action: d.action, target: d.target, detail: auditDetail(d.detailJson), prev };
    const entry = { ...content, hash: auditEntryHash(content) };
    prev = entry.hash;
    return entry;
  });
}

export interface AuditVerification {
  /** Every entry holds its own hash, the hash of the one before, and the next seq. */
  ok: boolean;
  /** Entries read. */
  entries: number;
  /** The first entry whose hash, `prev` or `seq` is wrong; null when ok. */
  firstBroken: number | null;
  /** Hash of the newest entry (null for an empty trail): kept outside the database, it also reveals a cut-off tail. */
  lastHash: string | null;
}

/**
 * Checks a trail entry by entry, oldest first, holding nothing but the last link, so that a trail
 * of any length is verified page by page. An entry is broken when its hash is not the hash of its
 * content (it was edited), its `prev` is not the hash stored in the entry before (an entry was
 * replaced, or inserted), or its `seq` does not follow (an entry was deleted): the first such entry
 * is reported; later ones are checked against what is stored, so one edit is reported once.
 */
export class AuditChainCheck {
  private entries = 0;
  private expectedSeq = 1;
  private prev = GENESIS_HASH;
  private firstBroken: number | null = null;
  private lastHash: string | null = null;

  add(entry: AuditEntry): void {
    this.entries += 1;
    const { hash, ...content } = entry;
    const intact = entry.seq === this.expectedSeq && entry.prev === this.prev && safeHash(content) === hash;
    if (!intact && this.firstBroken === null) this.firstBroken = entry.seq;
    this.expectedSeq = entry.seq + 1;
    this.prev = hash;
    this.lastHash = hash;
  }

  result(): AuditVerification {
    return { ok: this.firstBroken === null, entries: this.entries, firstBroken: this.firstBroken, lastHash: this.lastHash };
  }
}

/** A tampered entry may hold what canonical JSON refuses: it is then simply not intact. */
function safeHash(content: Omit<AuditEntry, 'hash'>): string | undefined {
  try {
    return auditEntryHash(content);
  } catch {
    return undefined;
  }
}
