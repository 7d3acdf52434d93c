import { InternalServerErrorException, UnauthorizedException } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';

import { LoginResponse, PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH, UserView } from '@kube-monitoring/contract';

import { argumentsFor, bodyTypeOf, bodyValidator, Handler, refusal, routeOf } from '../../jest/controller-metadata';
import { AuthUser } from '../guards/auth-user';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { AuthController } from './auth.controller';
import { LoginDto } from './auth.dto';
import { AuthModule } from './auth.module';
import { AuthService } from './auth.service';
import { KNOWN_BROWSER_COOKIE, KnownBrowserCookies } from './known-browser-cookie';
import { LoginThrottlerGuard } from './login-throttler.guard';

const validated = bodyValidator(LoginDto);

const ALICE: AuthUser = { id: 7, username: 'alice', role: 'viewer', namespaces: ['lab-vision'], tokenVersion: 3 };
const VIEW = {
  username: 'alice',
  email: 'alice@example.org',
  role: 'viewer',
  namespaces: ['lab-vision'],
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
} as UserView;
const LOGGED_IN: LoginResponse = { accessToken: 'token', tokenType: 'Bearer', expiresIn: 28800, user: VIEW };

describe(AuthController.name, () => {
  describe('auth and routes', () => {
    it('should leave login public: only the per-address login throttle, no credentials, no role', () => {
      expect(routeOf(AuthController, 'login')).toEqual({ path: '/api/auth/login', method: 'POST', status: 200, guards: [LoginThrottlerGuard], role: undefined });
      // The OpenAPI operation says so too (an empty requirement overrides any default).
      expect(Reflect.getMetadata('swagger/apiOperation', AuthController.prototype.login)).toMatchObject({ security: [] });
    });

    it('should require a JWT, and no role, to log out and to read oneself', () => {
      expect(routeOf(AuthController, 'logout')).toEqual({ path: '/api/auth/logout', method: 'POST', status: 204, guards: [JwtAuthGuard], role: undefined });
      expect(routeOf(AuthController, 'me')).toEqual({ path: '/api/auth/me', method: 'GET', status: 200, guards: [JwtAuthGuard], role: undefined });
    });

    it('should be registered in the module', () => {
      expect(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, AuthModule)).toEqual([AuthController]);
    });
  });

  describe('validation of the login body', () => {
    it('should validate the body as LoginDto', () => {
      expect(bodyTypeOf(AuthController, 'login')).toBe(LoginDto);
    });

    it('should accept a complete body, with the longest username and password', async () => {
      await expect(validated({ username: 'alice', password: 'tulip-Orbit-93' })).resolves.toEqual({ username: 'alice', password: 'tulip-Orbit-93' });
      const longest = { username: 'a'.repeat(USERNAME_MAX_LENGTH), password: 'p'.repeat(PASSWORD_MAX_LENGTH) };
      await expect(validated(longest)).resolves.toEqual(longest);
    });

    it.each([
      ['an array', [{ username: 'alice', password: 'tulip-Orbit-93' }], 'body: must be a JSON object, got an array'],
      ['an unknown field', { username: 'alice', password: 'tulip-Orbit-93', remember: true }, 'remember: property remember should not exist'],
      ['no username', { password: 'tulip-Orbit-93' }, 'username must be a string'],
      ['a numeric username', { username: 42, password: 'tulip-Orbit-93' }, 'username must be a string'],
      ['an empty username', { username: '', password: 'tulip-Orbit-93' }, 'username is required'],
      ['a too long username', { username: 'a'.repeat(USERNAME_MAX_LENGTH + 1), password: 'tulip-Orbit-93' }, `username must be at most ${USERNAME_MAX_LENGTH} characters`],
      ['no password', { username: 'alice' }, 'password must be a string'],
      ['an empty password', { username: 'alice', password: '' }, 'password is required'],
      ['a password list', { username: 'alice', password: ['tulip-Orbit-93'] }, 'password must be a string'],
      ['a too long password', { username: 'alice', password: 'p'.repeat(PASSWORD_MAX_LENGTH + 1) }, `password must be at most ${PASSWORD_MAX_LENGTH} characters`],
    ])('should refuse %s naming the field', async (_case, body, message) => {
      expect(await refusal(() => validated(body))).toBe(message);
    });
  });

  describe('the handlers', () => {
    const calls: unknown[][] = [];
    let loginAnswer: Promise<LoginResponse>;
    const auth = {
      login: (...args: unknown[]) => (calls.push(['login', ...args]), loginAnswer),
      logout: (...args: unknown[]) => (calls.push(['logout', ...args]), Promise.resolve()),
      me: (...args: unknown[]) => (calls.push(['me', ...args]), Promise.resolve(VIEW)),
    };
    const browsers = new KnownBrowserCookies('a-test-secret', 3_600_000);
    const controller = new AuthController(auth as unknown as AuthService, browsers);
    beforeEach(() => {
      calls.length = 0;
      loginAnswer = Promise.resolve(LOGGED_IN);
    });

    function fakeReply() {
      const headers: Record<string, string> = {};
      return { headers, header: (k: string, v: string) => ((headers[k] = v), undefined) };
    }
    const login = (body: LoginDto, request: object, reply = fakeReply()) => (controller.login as Handler)(...argumentsFor(AuthController, 'login', request, body, reply));

    it("should log in with the body's credentials and the client's address, and mark the browser as known", async () => {
      const reply = fakeReply();
      await expect(login({ username: 'Alice', password: 'tulip-Orbit-93' }, { headers: {}, ip: '203.0.113.9', protocol: 'https' }, reply)).resolves.toBe(LOGGED_IN);
      expect(calls).toEqual([['login', 'Alice', 'tulip-Orbit-93', { address: '203.0.113.9', knownBrowser: undefined }]]);
      expect(reply.headers['set-cookie']).toMatch(new RegExp(`^${KNOWN_BROWSER_COOKIE}=v1\\.[\\w-]{22}\\..*; Path=/api/auth/login; HttpOnly; SameSite=Strict; Secure$`));
    });

    it('should recognise a browser that signed in to the account before, and keep its id', async () => {
      const cookie = browsers.issue('alice', { secure: false }).split(';')[0];
      const id = cookie.split('.')[1];
      const reply = fakeReply();
      await login({ username: 'alice', password: 'tulip-Orbit-93' }, { headers: { cookie }, ip: '198.51.100.4', protocol: 'http' }, reply);
      expect(calls).toEqual([['login', 'alice', 'tulip-Orbit-93', { address: '198.51.100.4', knownBrowser: id }]]);
      expect(reply.headers['set-cookie']).toContain(`${KNOWN_BROWSER_COOKIE}=v1.${id}.`);
      expect(reply.headers['set-cookie']).not.toContain('Secure');
    });

    it("should not take another account's cookie as known, and set no cookie when the login fails", async () => {
      const cookie = browsers.issue('bob', { secure: false }).split(';')[0];
      loginAnswer = Promise.reject(new UnauthorizedException('Invalid username or password'));
      const reply = fakeReply();
      await expect(login({ username: 'alice', password: 'wrong-Password-1' }, { headers: { cookie }, ip: '198.51.100.4', protocol: 'http' }, reply)).rejects.toThrow(
        UnauthorizedException,
      );
      expect(calls).toEqual([['login', 'alice', 'wrong-Password-1', { address: '198.51.100.4', knownBrowser: undefined }]]);
      expect(reply.headers).toEqual({});
    });

    it('should log out and read oneself as the user the JWT guard authenticated', async () => {
      await (controller.logout as Handler)(...argumentsFor(AuthController, 'logout', { user: ALICE }, undefined));
      await expect((controller.me as Handler)(...argumentsFor(AuthController, 'me', { user: ALICE }, undefined))).resolves.toBe(VIEW);
      expect(calls).toEqual([
        // No address on this request: the entry's client is null.
        ['logout', ALICE, null],
        ['me', ALICE],
      ]);
    });

    it('should fail closed when no user was authenticated', () => {
      expect(() => argumentsFor(AuthController, 'logout', {}, undefined)).toThrow(InternalServerErrorException);
      expect(() => argumentsFor(AuthController, 'me', {}, undefined)).toThrow(InternalServerErrorException);
    });
  });
});
