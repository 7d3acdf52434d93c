import { pathForLog, withoutQueryStrings } from './log-url';

describe('pathForLog', () => {
  it('should keep the path and drop the query string', () => {
    expect(pathForLog('/api/auth/me?access_token=eyJa.b.c&x=1')).toBe('/api/auth/me');
    expect(pathForLog('/api/health')).toBe('/api/health');
    expect(pathForLog(undefined)).toBe('');
  });
});

describe('withoutQueryStrings', () => {
  it('should cut the query string off every URL in a message', () => {
    expect(withoutQueryStrings('Cannot GET /api/nothing?access_token=eyJa.b.c')).toBe('Cannot GET /api/nothing');
    expect(withoutQueryStrings('from /a?x=1 to /b?y=2 done')).toBe('from /a to /b done');
    expect(withoutQueryStrings('body: limit must be at most 10000')).toBe('body: limit must be at most 10000');
  });
});
