import { createHash } from 'node:crypto';

import { AuditChainCheck, AuditDraft, AuditEntry, auditEntryHash, chainAfter, GENESIS_HASH } from './audit-chain';

const AT = Date.UTC(2026, 11, 7, 10);

function draft(over: Partial<AuditDraft> = {}): AuditDraft {
  return { atMs: AT, actor: 'user:alice', client: '192.0.2.1', action: 'auth.login', target: 'user:alice', detailJson: null, ...over };
}

function trail(n: number): AuditEntry[] {
  return chainAfter(
    undefined,
    Array.from({ length: n }, (_, i) => draft({ atMs: AT + i, action: `test.step`, detailJson: JSON.stringify({ i }) })),
  );
}

function verify(entries: AuditEntry[]) {
  const check = new AuditChainCheck();
  for (const e of entries) check.add(e);
  return check.result();
}

describe('audit chain', () => {
  describe('the hash rule', () => {
    it('should be the SHA-256 of the canonical JSON of the entry without its hash, as an auditor would write it by hand', () => {
      const [first] = chainAfter(undefined, [draft({ detailJson: '{"method":"password","zone":"é"}' })]);
      const byHand =
        '{"action":"auth.login","actor":"user:alice","at":"2026-12-07T10:00:00.000Z","client":"192.0.2.1",' +
        `"detail":{"method":"password","zone":"é"},"prev":"${'0'.repeat(64)}","seq":1,"target":"user:alice"}`;
      expect(first?.hash).toBe(createHash('sha256').update(byHand, 'utf8').digest('hex'));
      const { hash, ...content } = first as AuditEntry;
      expect(auditEntryHash(content)).toBe(hash);
    });

    it('should hash nulls as null, so a missing client or target is not the empty string', () => {
      const [withNulls] = chainAfter(undefined, [draft({ client: null, target: null })]);
      const [withEmpty] = chainAfter(undefined, [draft({ client: '', target: '' })]);
      expect(withNulls?.hash).not.toBe(withEmpty?.hash);
      expect(withNulls).toMatchObject({ client: null, target: null, detail: null });
    });
  });

  describe('chainAfter', () => {
    it('should number from 1 after the genesis, each entry linking to the one before', () => {
      const entries = trail(3);
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(entries[0]?.prev).toBe(GENESIS_HASH);
      expect(entries[1]?.prev).toBe(entries[0]?.hash);
      expect(entries[2]?.prev).toBe(entries[1]?.hash);
      expect(new Set(entries.map((e) => e.hash)).size).toBe(3);
    });

    it('should continue a trail after its newest entry, as if it had been written in one go', () => {
      const whole = trail(4);
      const drafts = whole.map((e, i) => draft({ atMs: AT + i, action: 'test.step', detailJson: JSON.stringify({ i }) }));
      const head = chainAfter(undefined, drafts.slice(0, 2));
      const tail = chainAfter(head[1], drafts.slice(2));
      expect([...head, ...tail]).toEqual(whole);
    });
  });

  describe('verification', () => {
    it('should find an intact trail, and an empty one, ok', () => {
      const entries = trail(5);
      expect(verify(entries)).toEqual({ ok: true, entries: 5, firstBroken: null, lastHash: entries[4]?.hash });
      expect(verify([])).toEqual({ ok: true, entries: 0, firstBroken: null, lastHash: null });
    });

    it.each([
      ['actor', { actor: 'user:mallory' }],
      ['detail', { detail: { i: 99 } }],
      ['instant', { at: '2026-12-07T11:00:00.000Z' }],
      ['client (made null)', { client: null }],
    ])('should name the entry whose %s was edited, and only that one', (_what, edit) => {
      const entries = trail(5);
      entries[2] = { ...(entries[2] as AuditEntry), ...edit };
      expect(verify(entries)).toMatchObject({ ok: false, entries: 5, firstBroken: 3 });
    });

    it('should name the entry after one that was rewritten with a fresh hash', () => {
      const entries = trail(5);
      const content: Omit<AuditEntry, 'hash'> & { hash?: string } = { ...(entries[1] as AuditEntry), actor: 'user:mallory' };
      delete content.hash;
      entries[1] = { ...content, hash: auditEntryHash(content) };
      expect(verify(entries)).toMatchObject({ ok: false, firstBroken: 3 });
    });

    it('should name the entry after a deleted one, and a trail missing its first', () => {
      const entries = trail(5);
      expect(verify([...entries.slice(0, 2), ...entries.slice(3)])).toMatchObject({ ok: false, entries: 4, firstBroken: 4 });
      expect(verify(entries.slice(1))).toMatchObject({ ok: false, firstBroken: 2 });
    });

    it('should name an entry inserted, or two swapped', () => {
      const entries = trail(4);
      const [forged] = chainAfter(entries[1], [draft({ action: 'user.delete' })]);
      expect(verify([...entries.slice(0, 2), forged as AuditEntry, ...entries.slice(2)])).toMatchObject({ ok: false, firstBroken: 3 });
      expect(verify([entries[0], entries[2], entries[1], entries[3]] as AuditEntry[])).toMatchObject({ ok: false, firstBroken: 3 });
    });

    it('should take a detail that is no longer JSON as broken, not fail', () => {
      const entries = trail(3);
      entries[1] = { ...(entries[1] as AuditEntry), detail: '{"i": 1' };
      expect(verify(entries)).toMatchObject({ ok: false, firstBroken: 2 });
    });
  });
});
