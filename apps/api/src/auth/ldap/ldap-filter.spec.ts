import { escapeFilterValue, fillFilter } from './ldap-filter';

describe('LDAP filter values (RFC 4515)', () => {
  it('should escape what could end the value or open another filter', () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('admin)(|(uid=*')).toBe('admin\\29\\28|\\28uid=\\2a');
    expect(escapeFilterValue('a\\b')).toBe('a\\5cb');
    expect(escapeFilterValue('alice\u0000')).toBe('alice\\00');
    expect(escapeFilterValue('tab\there\u007f')).toBe('tab\\09here\\7f');
  });

  it('should leave ordinary names, accents included, as they are', () => {
    expect(escapeFilterValue('jean.dupont@example.org')).toBe('jean.dupont@example.org');
    expect(escapeFilterValue('élodie-ßü')).toBe('élodie-ßü');
  });

  it('should fill every placeholder escaped and refuse an unknown one', () => {
    expect(fillFilter('(&(objectClass=person)(|(uid={{username}})(mail={{username}})))', { username: 'x*' })).toBe('(&(objectClass=person)(|(uid=x\\2a)(mail=x\\2a)))');
    expect(fillFilter('(member={{dn}})', { dn: 'cn=Smith\\, J,ou=people' })).toBe('(member=cn=Smith\\5c, J,ou=people)');
    expect(() => fillFilter('(uid={{user}})', { username: 'a' })).toThrow('{{user}}');
  });
});
