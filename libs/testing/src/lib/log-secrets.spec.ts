import { assertNoSecretsInLogs, findSecrets, memoryLog, noteSecret, watchLog } from './log-secrets';

describe('the log-secret scanner', () => {
  it('finds a JWT, an scrypt hash and a known password, with the line', () => {
    const text = 'ok\nBearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl\nhash scrypt$16384$8$1$abc\nlogin with hunter2-long-password\n';
    expect(findSecrets('app.log', text, ['hunter2-long-password'])).toEqual([
      { source: 'app.log', line: 2, what: 'a JWT' },
      { source: 'app.log', line: 3, what: 'an scrypt password hash' },
      { source: 'app.log', line: 4, what: 'the password hu…(21 characters)' },
    ]);
  });

  it('ignores noted values too short to be told from ordinary words', () => {
    noteSecret('short');
    watchLog('stdout', () => 'a short line');
    expect(() => assertNoSecretsInLogs()).not.toThrow();
  });

  it('fails naming where a noted password appeared, without printing it', () => {
    noteSecret('correct-horse-battery');
    let message = '';
    try {
      assertNoSecretsInLogs([memoryLog('captured logger', () => 'user sent correct-horse-battery')]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('the password co…(21 characters) in captured logger, line 1');
    expect(message).not.toContain('correct-horse-battery');
  });
});
