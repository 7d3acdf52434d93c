import { PassThrough } from 'node:stream';

import { ServiceUnavailableException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';

import { createRootLogger } from './app-logger';

const HASH = 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  const logger = createRootLogger({ logDir: '', logLevel: 'info' }, stream);
  return { logger, text: () => text };
}

function timedOutUpdate(): QueryFailedError {
  const driverError = Object.assign(new Error('Query read timeout'), { detail: `Key (password_hash)=(${HASH})` });
  return new QueryFailedError('UPDATE "users" SET "password_hash" = $1 WHERE "id" = $2', [HASH, 7], driverError);
}

describe('createRootLogger', () => {
  it('should keep the bound parameters and SQL of a database error that is the cause of an exception out of the log', () => {
    const { logger, text } = capture();
    logger.error({ err: new ServiceUnavailableException('User database unavailable', { cause: timedOutUpdate() }) }, 'User database unavailable');
    logger.flush();
    expect(text()).not.toContain(HASH);
    expect(text()).not.toContain('password_hash');
    const line = JSON.parse(text().trim().split('\n')[0] ?? '{}') as { err: { type: string; message: string; cause?: { type: string; message: string } } };
    expect(line.err.type).toBe('ServiceUnavailableException');
    expect(line.err.cause).toMatchObject({ type: 'QueryFailedError', message: 'Query read timeout' });
  });

  it('should keep them out when the database error itself is logged, under any key', () => {
    const { logger, text } = capture();
    logger.error(timedOutUpdate());
    logger.error({ err: timedOutUpdate() }, 'failed');
    logger.error({ error: timedOutUpdate() }, 'failed');
    logger.error({ failure: { parameters: [HASH] } }, 'failed');
    logger.flush();
    expect(text()).toContain('Query read timeout');
    expect(text()).not.toContain(HASH);
  });
});
