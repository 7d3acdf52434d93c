import { QueryFailedError } from 'typeorm';

import { serializeError } from './error-serializer';

describe('serializeError', () => {
  it('should keep type, message, code and stack of an error and of what it wraps, and nothing else', () => {
    const driver = Object.assign(new Error('duplicate key value'), { code: '23505', detail: 'Key (username)=(alice)', parameters: ['x'] });
    const failed = new QueryFailedError('INSERT INTO users VALUES ($1)', ['secret-hash'], driver);
    const outer = new Error('could not save', { cause: failed });
    const out = serializeError(outer);
    expect(out).toMatchObject({
      type: 'Error',
      message: 'could not save',
      cause: { type: 'QueryFailedError', message: 'duplicate key value', code: '23505', driverError: { type: 'Error', code: '23505' } },
    });
    expect(JSON.stringify(out)).not.toMatch(/secret-hash|INSERT INTO|alice|parameters|detail/);
  });

  it('should walk aggregated errors and stop at cycles', () => {
    const a = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const agg = new AggregateError([a, a], 'all failed');
    (a as Error & { cause?: unknown }).cause = agg;
    const out = serializeError(agg);
    expect(out.errors?.[0]).toMatchObject({ code: 'ECONNREFUSED' });
    expect(out.errors?.[0]?.cause).toBeUndefined();
  });

  it('should not copy the fields of a thrown object that is not an error', () => {
    expect(serializeError({ parameters: ['secret'] })).toEqual({ type: 'object', message: '[object Object]' });
    expect(serializeError('plain text')).toEqual({ type: 'string', message: 'plain text' });
  });
});
