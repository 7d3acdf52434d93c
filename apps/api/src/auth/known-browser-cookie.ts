import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const KNOWN_BROWSER_COOKIE = 'km_known_browser';
/** Sent to the login call only. */
const COOKIE_PATH = '/api/auth/login';
const ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * The "device cookie" of OWASP's advice against online guessing: a browser that signed in to an
 * account gets an HttpOnly cookie, signed with a key derived from JWT_SECRET (so every replica
 * accepts it) and bound to that username. While an attacker spends the login limits of the account
 * or of the whole API, an attempt carrying it is judged on its own failures only, so the owner can
 * still log in. It grants nothing else: the password is checked as always. One per browser: the
 * account signed in last.
 */
export class KnownBrowserCookies {
  private readonly key: Buffer;

  constructor(
    jwtSecret: string,
    private readonly maxAgeMs: number,
  ) {
    // Its own key: a cookie can never pass for a token, nor a token for a cookie.
    this.key = createHmac('sha256', jwtSecret).update('kube-monitoring known-browser cookie v1').digest();
  }

  /** The browser's id when the request's cookie is genuine, unexpired and for `username`. */
  verify(cookieHeader: string | undefined, username: string, now = Date.now()): string | undefined {
    const value = readCookie(cookieHeader, KNOWN_BROWSER_COOKIE);
    const parts = value?.split('.');
    if (!parts || parts.length !== 4 || parts[0] !== 'v1' || !ID.test(parts[1]) || !/^\d{1,12}$/.test(parts[2])) return undefined;
    const [, id, expires, mac] = parts;
    if (Number(expires) * 1000 <= now) return undefined;
    const expected = this.mac(id, expires, username);
    const given = Buffer.from(mac, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
  }

  /** `Set-Cookie` value naming this browser (`id`, or a new one) as known for `username`. */
  issue(username: string, options: { id?: string; secure: boolean }, now = Date.now()): string {
    const id = options.id && ID.test(options.id) ? options.id : randomBytes(16).toString('base64url');
    const expires = String(Math.floor((now + this.maxAgeMs) / 1000));
    const value = `v1.${id}.${expires}.${this.mac(id, expires, username).toString('base64url')}`;
    const attributes = [`Max-Age=${Math.floor(this.maxAgeMs / 1000)}`, `Path=${COOKIE_PATH}`, 'HttpOnly', 'SameSite=Strict'];
    // Over plain HTTP (the demo, a port-forward) a Secure cookie would never come back.
    if (options.secure) attributes.push('Secure');
    return [`${KNOWN_BROWSER_COOKIE}=${value}`, ...attributes].join('; ');
  }

  private mac(id: string, expires: string, username: string): Buffer {
    return createHmac('sha256', this.key).update(`v1.${id}.${expires}.${username.trim().toLowerCase()}`).digest();
  }
}

/** The value of cookie `name` in a `Cookie` header (values here are base64url and dots: no decoding). */
function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
