import { KNOWN_BROWSER_COOKIE, KnownBrowserCookies } from './known-browser-cookie';

const SECRET = 'unit-test-secret-0123456789abcdef0123';
const DAY = 24 * 3600_000;

/** The `name=value` part of a Set-Cookie, as a browser sends it back. */
const sentBack = (setCookie: string) => setCookie.split(';')[0];

describe(KnownBrowserCookies.name, () => {
  const cookies = new KnownBrowserCookies(SECRET, 30 * DAY);

  it('should issue an HttpOnly, SameSite=Strict cookie for the login path only, Secure over HTTPS', () => {
    const plain = cookies.issue('alice', { secure: false }, 0);
    expect(plain).toMatch(new RegExp(`^${KNOWN_BROWSER_COOKIE}=v1\\.[\\w-]{22}\\.\\d+\\.[\\w-]+; Max-Age=2592000; Path=/api/auth/login; HttpOnly; SameSite=Strict$`));
    expect(cookies.issue('alice', { secure: true }, 0)).toMatch(/; Secure$/);
  });

  it('should recognise its own cookie for the same username only, until it expires', () => {
    const header = `theme=dark; ${sentBack(cookies.issue('alice', { secure: false }, 0))}`;
    const id = cookies.verify(header, 'alice', 1000);
    expect(id).toMatch(/^[\w-]{22}$/);
    expect(cookies.verify(header, ' Alice ', 1000)).toBe(id);
    expect(cookies.verify(header, 'bob', 1000)).toBeUndefined();
    expect(cookies.verify(header, 'alice', 30 * DAY)).toBeUndefined();
  });

  it('should keep the browser id when renewing', () => {
    const first = cookies.verify(sentBack(cookies.issue('alice', { secure: false }, 0)), 'alice', 1);
    const renewed = cookies.issue('alice', { id: first, secure: false }, DAY);
    expect(cookies.verify(sentBack(renewed), 'alice', DAY + 1)).toBe(first);
  });

  it('should refuse forged, altered or foreign cookies', () => {
    const genuine = sentBack(cookies.issue('alice', { secure: false }, 0));
    const [name, value] = genuine.split('=');
    const [v, id, expires, mac] = value.split('.');
    const later = String(Number(expires) + 3600);
    for (const header of [
      undefined,
      '',
      `${name}=garbage`,
      `${name}=${v}.${id}.${later}.${mac}`,
      `${name}=${v}.${id}.${expires}.${mac.slice(0, -2)}AA`,
      `${name}=v2.${id}.${expires}.${mac}`,
      sentBack(new KnownBrowserCookies('another-secret-0123456789abcdef0123', 30 * DAY).issue('alice', { secure: false }, 0)),
    ]) {
      expect(cookies.verify(header, 'alice', 1)).toBeUndefined();
    }
  });
});
