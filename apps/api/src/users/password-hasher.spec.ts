import { dummyPasswordHash, hashPassword, verifyPassword } from './password-hasher';

describe('password hashing', () => {
  it('should verify the right password and refuse a wrong one', async () => {
    const hash = await hashPassword('Correct horse 42');
    await expect(verifyPassword('Correct horse 42', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse 42', hash)).resolves.toBe(false);
    await expect(verifyPassword('', hash)).resolves.toBe(false);
  });

  it('should salt each hash and never contain the password', async () => {
    const a = await hashPassword('Same password 1');
    const b = await hashPassword('Same password 1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toContain('Same password 1');
  });

  it('should refuse malformed or abusive stored hashes without throwing', async () => {
    const good = await hashPassword('Some password 9');
    const parts = good.split('$');
    await expect(verifyPassword('Some password 9', 'plain-text')).resolves.toBe(false);
    await expect(verifyPassword('Some password 9', ['bcrypt', ...parts.slice(1)].join('$'))).resolves.toBe(false);
    await expect(verifyPassword('Some password 9', ['scrypt', 2 ** 24, 8, 1, parts[4], parts[5]].join('$'))).resolves.toBe(false);
    await expect(verifyPassword('Some password 9', ['scrypt', 1000, 8, 1, parts[4], parts[5]].join('$'))).resolves.toBe(false);
    await expect(verifyPassword('Some password 9', [...parts.slice(0, 5), 'c2hvcnQ='].join('$'))).resolves.toBe(false);
  });

  it('should provide a dummy hash that matches no likely password', async () => {
    const dummy = await dummyPasswordHash();
    await expect(verifyPassword('', dummy)).resolves.toBe(false);
    await expect(dummyPasswordHash()).resolves.toBe(dummy);
  });
});
