import { AUDIT_LIMITS, auditDraft, REDACTED } from './audit-draft';

const AT = Date.UTC(2026, 11, 7, 10);

describe('auditDraft', () => {
  it('should keep who, from where, what and to what, and the detail as canonical JSON', () => {
    expect(auditDraft({ actor: 'user:root', client: '192.0.2.1', action: 'user.update', target: 'user:bob', detail: { role: 'admin', changed: ['role'] } }, AT)).toEqual({
      atMs: AT,
      actor: 'user:root',
      client: '192.0.2.1',
      action: 'user.update',
      target: 'user:bob',
      detailJson: '{"changed":["role"],"role":"admin"}',
    });
    expect(auditDraft({ actor: 'system', action: 'test.none' }, AT)).toMatchObject({ client: null, target: null, detailJson: null });
  });

  it.each([
    ['password', { password: 'Tulip-orbit-93' }],
    ['a nested new password', { changes: { newPassword: 'Tulip-orbit-93' } }],
    ['a token', { accessToken: 'abc' }],
    ['an API key header', { 'x-api-key': 'abc' }],
    ['a secret', { clientSecret: 'abc' }],
    ['a hash', { passwordHash: 'abc' }],
  ])('should redact %s by its field name', (_what, detail) => {
    const json = auditDraft({ actor: 'service', action: 'test.secret', detail }, AT).detailJson ?? '';
    expect(json).toContain(REDACTED);
    expect(json).not.toMatch(/Tulip|abc/);
  });

  it.each([
    ['an API key', 'kmk_3f9c2a7b1d4e8f60_Vb0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
    ['a bearer header', 'Bearer abc.def.ghi'],
    ['a scrypt hash', 'scrypt$16384$8$1$c2FsdA$aGFzaA'],
  ])('should redact %s by its shape, under any field name', (_what, value) => {
    expect(auditDraft({ actor: 'service', action: 'test.secret', detail: { note: [value] } }, AT).detailJson).toBe(`{"note":["${REDACTED}"]}`);
  });

  it('should bound every part, so attacker-chosen text cannot make an entry large', () => {
    const long = 'x'.repeat(10_000);
    const draft = auditDraft({ actor: long, client: long, action: long, target: long, detail: { note: long, list: Array.from({ length: 500 }, (_, i) => i) } }, AT);
    expect(draft.actor).toHaveLength(AUDIT_LIMITS.actor);
    expect(draft.client).toHaveLength(AUDIT_LIMITS.client);
    expect(draft.action).toHaveLength(AUDIT_LIMITS.action);
    expect(draft.target).toHaveLength(AUDIT_LIMITS.target);
    const detail = JSON.parse(draft.detailJson ?? '') as { note: string; list: unknown[] };
    expect(detail.note).toHaveLength(AUDIT_LIMITS.text);
    expect(detail.list).toHaveLength(AUDIT_LIMITS.items + 1);
    expect(detail.list[AUDIT_LIMITS.items]).toBe('[400 more]');
    const huge = auditDraft({ actor: 'service', action: 'test.big', detail: { a: Array.from({ length: 100 }, () => long) } }, AT);
    expect(JSON.parse(huge.detailJson ?? '')).toEqual({ truncated: true, chars: expect.any(Number) });
  });

  it('should write what canonical JSON refuses or writes differently as plain values, never throw', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const detail = { nan: Number.NaN, big: 12n, when: new Date(AT), nothing: undefined, fn: () => 1, cyclic, ['__proto__']: { polluted: true } };
    const json = auditDraft({ actor: 'service', action: 'test.odd', detail }, AT).detailJson ?? '';
    expect(JSON.parse(json)).toMatchObject({ nan: 'NaN', big: '12', when: '2026-12-07T10:00:00.000Z', cyclic: { name: 'loop' } });
    expect(json).not.toContain('nothing');
    expect(json).not.toContain('polluted');
    expect(json).toContain('[nested too deep]');
  });
});
