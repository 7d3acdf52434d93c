import { appendVary } from './vary';

function fakeReply(initial?: string | string[]) {
  const headers: Record<string, unknown> = initial === undefined ? {} : { vary: initial };
  return { headers, getHeader: (k: string) => headers[k] as never, header: (k: string, v: unknown) => ((headers[k] = v), undefined as never) };
}

describe('appendVary', () => {
  it('should append to what CORS set, not replace it', () => {
    const r = fakeReply('Origin');
    appendVary(r, 'Accept');
    expect(r.headers['vary']).toBe('Origin, Accept');
  });

  it('should set the header when there is none and not repeat a field already there', () => {
    const r = fakeReply();
    appendVary(r, 'Accept');
    appendVary(r, 'accept');
    expect(r.headers['vary']).toBe('Accept');
    const star = fakeReply('*');
    appendVary(star, 'Accept');
    expect(star.headers['vary']).toBe('*');
  });
});
