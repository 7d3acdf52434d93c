/**
 * Exercises the web image's nginx configuration (deploy/web/nginx.conf and
 * deploy/web/default.conf.template) with a real nginx from Debian's packages, in front
 * of a real API, the way Dockerfile.web runs it.
 *
 *   npx tsx tools/test-nginx.ts --api http://127.0.0.1:8000 [--web dist/apps/web/browser]
 *        [--username U --password P] [--nginx /usr/sbin/nginx]
 *   npx tsx tools/test-nginx.ts            # no --api: a small stub API on loopback is used
 *
 * --api       base URL of a running API (only loopback addresses are accepted).
 * --web       the built SPA (default dist/apps/web/browser); without one, or with --stub-web,
 *             a small stand-in SPA with hashed asset names is generated.
 * --username/--password  service-API credentials (default: env API_USERNAME/API_PASSWORD).
 *
 * nginx is installed with apt-get when /usr/sbin/nginx is missing (service start-up
 * suppressed). It runs unprivileged (as `nobody` when this script runs as root) on a free
 * 127.0.0.1 port, with a throwaway prefix, and is stopped at the end whatever happens.
 * Prints one line per check and a closing "N passed, N failed"; exits 1 on any failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { getFreePort, sleep, waitUntil } from './services/service-utils';

const ROOT = resolve(__dirname, '..');
const NGINX_CONF = join(ROOT, 'deploy/web/nginx.conf');
const SITE_TEMPLATE = join(ROOT, 'deploy/web/default.conf.template');

// ---------------------------------------------------------------- arguments

interface Args {
  api?: string;
  web: string;
  stubWeb: boolean;
  username: string;
  password: string;
  nginx: string;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    const a = argv[i];
    if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
    return v;
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(readFileSync(__filename, 'utf8').split('*/')[0]);
    process.exit(0);
  }
  const api = get('api');
  if (api !== undefined) {
    const u = new URL(api);
    if (u.protocol !== 'http:') throw new Error(`--api must be an http:// URL, got ${api}`);
    if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(u.hostname)) {
      throw new Error(`--api must point at a loopback address (127.x, localhost, [::1]), got ${u.hostname}`);
    }
  }
  return {
    api,
    web: resolve(get('web') ?? join(ROOT, 'dist/apps/web/browser')),
    stubWeb: argv.includes('--stub-web'),
    username: get('username') ?? process.env['API_USERNAME'] ?? 'nginx-test',
    password: get('password') ?? process.env['API_PASSWORD'] ?? 'nginx-test-password',
    nginx: get('nginx') ?? '/usr/sbin/nginx',
  };
}

// ---------------------------------------------------------------- nginx install

export function ensureNginx(bin = '/usr/sbin/nginx'): void {
  if (existsSync(bin)) return;
  if (bin !== '/usr/sbin/nginx') throw new Error(`${bin} does not exist`);
  if (process.getuid?.() !== 0) throw new Error('nginx is missing and this is not root: run `apt-get install -y nginx`');
  console.log('# installing nginx from Debian packages (apt-get)');
  // Keep the package's postinst from starting a system nginx on port 80.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const cmd of [
      ['apt-get', ['update', '-qq']],
      ['apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'nginx']],
    ] as const) {
      const r = spawnSync(cmd[0], [...cmd[1]], { stdio: 'inherit', env });
      if (r.status !== 0) throw new Error(`${cmd[0]} ${cmd[1].join(' ')} failed with status ${r.status}`);
    }
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  if (!existsSync(bin)) throw new Error('apt-get install nginx did not provide /usr/sbin/nginx');
}

// ---------------------------------------------------------------- config rendering

/**
 * Renders the site template as the nginx image's entrypoint does with
 * NGINX_ENVSUBST_FILTER=KM_: `${KM_X}` and `$KM_X` are replaced, nothing else.
 */
export function renderSiteTemplate(template: string, vars: Record<string, string>): string {
  const out = template.replace(/\$(\{)?(KM_\w*)(\})?/g, (whole, open: string | undefined, name: string, close: string | undefined) => {
    if (Boolean(open) !== Boolean(close)) return whole;
    const v = vars[name];
    if (v === undefined) throw new Error(`template variable ${name} has no value`);
    return v;
  });
  return out;
}

/** The main config with its run-time paths moved into `prefix` (nothing else changes). */
export function relocateMainConfig(conf: string, prefix: string): string {
  // One pass, so a prefix that itself lies under /tmp is not relocated twice.
  return conf.replace(/\/etc\/nginx\/conf\.d\/|(?<=\s)\/tmp\//g, (m) => (m.startsWith('/etc') ? `${prefix}/conf.d/` : `${prefix}/tmp/`));
}

// ---------------------------------------------------------------- stand-ins

const STUB_INDEX = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kube-monitoring</title><base href="/web/">
<link rel="stylesheet" href="styles-AB12CD34.css" media="print" onload="this.media='all'"><noscript><link rel="stylesheet" href="styles-AB12CD34.css"></noscript>
</head><body><km-root></km-root><script src="main-EF56GH78.js" type="module"></script></body></html>
`;

function makeStubWeb(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), STUB_INDEX);
  writeFileSync(join(dir, 'main-EF56GH78.js'), `// stub bundle\n${'console.log("kube-monitoring");\n'.repeat(200)}`);
  writeFileSync(join(dir, 'styles-AB12CD34.css'), `body{margin:0}\n${'.x{color:red}\n'.repeat(200)}`);
  writeFileSync(join(dir, 'favicon.ico'), Buffer.alloc(64));
}

/**
 * A small stand-in for the API on loopback: checks the seed's X-USERNAME/X-PASSWORD,
 * echoes the headers it received, and streams a large CSV slowly (to see that nginx
 * passes it on without buffering).
 */
const stubState = { bigFinished: false };

function startStubApi(username: string, password: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      if (url === '/api/health') return json(200, { status: 'ok' });
      if (url === '/api/echo') {
        return json(200, { method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      }
      if (url === '/api/big.csv') {
        // 64 MiB as fast as the reader takes it, honouring back-pressure.
        res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
        stubState.bigFinished = false;
        const slice = Buffer.from(`ns-x,${'1'.repeat(1018)}\n`.repeat(1024));
        let i = 0;
        const pump = () => {
          while (i < 64) {
            i++;
            if (!res.write(slice)) return void res.once('drain', pump);
          }
          res.end(() => (stubState.bigFinished = true));
        };
        pump();
        return;
      }
      if (url.startsWith('/api/')) {
        if (req.method !== 'POST') {
          res.setHeader('allow', 'POST');
          return json(405, { code: 405, message: 'Method not allowed' });
        }
        const u = req.headers['x-username'];
        const p = req.headers['x-password'];
        if (u === undefined || p === undefined) return json(401, { code: 401, message: 'You are not authorized' });
        if (u !== username || p !== password) return json(401, { code: 401, message: 'Username and password is not recognized' });
        return json(200, { code: 200, message: 'Query returns empty set' });
      }
      json(404, { code: 404, message: 'not found' });
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      if (!a || typeof a !== 'object') return reject(new Error('stub API has no address'));
      resolvePromise({ server, url: `http://127.0.0.1:${a.port}` });
    });
  });
}

// ---------------------------------------------------------------- HTTP client

interface Res {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** ms from request start to first body byte, and to the end */
  firstByteMs: number;
  totalMs: number;
}

function req(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Res> {
  const url = new URL(path, base);
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const r = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: { connection: 'close', ...(options.headers ?? {}) }, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        let firstByteMs = -1;
        res.on('data', (c: Buffer) => {
          if (firstByteMs < 0) firstByteMs = Date.now() - started;
          chunks.push(c);
        });
        res.on('end', () =>
          resolvePromise({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            firstByteMs,
            totalMs: Date.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timeout on ${options.method ?? 'GET'} ${path}`)));
    r.on('error', reject);
    if (options.body !== undefined) r.write(options.body);
    r.end();
  });
}

// ---------------------------------------------------------------- checks

let passed = 0;
let failed = 0;

async function check(name: string, fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (error) {
    failed++;
    console.log(`not ok - ${name}\n    ${error instanceof Error ? error.message : String(error)}`);
  }
}

function expect(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

function header(res: Res, name: string): string {
  const v = res.headers[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

function findHashedAsset(dir: string): string | undefined {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/-[A-Z0-9]{8}\.(js|css)$/.test(e.name)) found.push(relative(dir, p));
    }
  };
  walk(dir);
  // Prefer a large file so the gzip check has something to compress.
  found.sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size);
  return found[0];
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  ensureNginx(args.nginx);

  const work = mkdtempSync(join(tmpdir(), 'km-nginx-'));
  let nginx: ChildProcess | undefined;
  let stub: Server | undefined;
  let getLog: () => string = () => '';
  try {
    // The SPA: the real build when there is one, else a stand-in.
    const webRoot = join(work, 'html');
    const spa = join(webRoot, 'web');
    const usingStubWeb = args.stubWeb || !existsSync(join(args.web, 'index.html'));
    if (usingStubWeb) {
      console.log(`# no built SPA at ${args.web} (or --stub-web): using a stand-in SPA`);
      makeStubWeb(spa);
    } else {
      cpSync(args.web, spa, { recursive: true });
    }

    let api = args.api;
    const usingStubApi = api === undefined;
    if (usingStubApi) {
      const s = await startStubApi(args.username, args.password);
      stub = s.server;
      api = s.url;
      console.log(`# no --api given: using a stub API at ${api}`);
    }
    const apiUrl = new URL(api!);
    const port = await getFreePort();

    mkdirSync(join(work, 'conf.d'));
    mkdirSync(join(work, 'tmp'));
    mkdirSync(join(work, 'logs'));
    writeFileSync(join(work, 'nginx.conf'), relocateMainConfig(readFileSync(NGINX_CONF, 'utf8'), work));
    writeFileSync(
      join(work, 'conf.d/default.conf'),
      renderSiteTemplate(readFileSync(SITE_TEMPLATE, 'utf8'), {
        KM_API_UPSTREAM: `${apiUrl.hostname}:${apiUrl.port || '80'}`,
        KM_LISTEN_PORT: `127.0.0.1:${port}`,
        KM_WEB_ROOT: webRoot,
      }),
    );

    // Unprivileged: when run as root, nginx runs as nobody and only needs to read `work`.
    const asRoot = process.getuid?.() === 0;
    const spawnOpts: { uid?: number; gid?: number } = {};
    if (asRoot) {
      spawnOpts.uid = 65534;
      spawnOpts.gid = 65534;
      const chownTree = (p: string) => {
        chownSync(p, 65534, 65534);
        if (statSync(p).isDirectory()) for (const e of readdirSync(p)) chownTree(join(p, e));
      };
      chownTree(work);
    }
    chmodSync(work, 0o755);

    // nginx writes its logs to /dev/stdout and /dev/stderr; point both at a file owned by
    // the user nginx runs as (re-opening a pipe created by root fails for `nobody`).
    const logFile = join(work, 'logs/nginx.out');
    writeFileSync(logFile, '');
    if (asRoot) chownSync(logFile, 65534, 65534);
    const readLog = () => readFileSync(logFile, 'utf8');
    const outFd = openSync(logFile, 'a');

    const base = ['-p', `${work}/`, '-c', join(work, 'nginx.conf'), '-e', 'stderr'];
    const syntax = spawnSync(args.nginx, [...base, '-t'], { ...spawnOpts, stdio: ['ignore', outFd, outFd] });
    await check('nginx -t accepts the rendered configuration', () => {
      expect(syntax.status === 0, `nginx -t failed:\n${readLog()}`);
    });
    if (syntax.status !== 0) return;

    nginx = spawn(args.nginx, [...base, '-g', 'daemon off;'], { ...spawnOpts, stdio: ['ignore', outFd, outFd] });
    closeSync(outFd);
    let exited: string | undefined;
    nginx.on('exit', (code, signal) => (exited = `nginx exited (code ${code}, signal ${signal})`));
    getLog = readLog;

    const web = `http://127.0.0.1:${port}`;
    await waitUntil('nginx to answer /healthz', async () => (await req(web, '/healthz')).status === 200, {
      timeoutMs: 10_000,
      abort: () => (exited ? new Error(`${exited}\n${readLog()}`) : undefined),
    });
    console.log(`# nginx ${spawnSync(args.nginx, ['-v'], { encoding: 'utf8' }).stderr.trim()} on ${web}${asRoot ? ' as nobody' : ''}, API ${api}, SPA ${usingStubWeb ? '(stand-in)' : args.web}`);

    const indexHtml = readFileSync(join(spa, 'index.html'));

    await check('/ redirects to /web/', async () => {
      const r = await req(web, '/');
      expect(r.status === 302, `status ${r.status}`);
      expect(header(r, 'location') === '/web/', `Location "${header(r, 'location')}"`);
    });

    await check('/web redirects to /web/', async () => {
      const r = await req(web, '/web');
      expect(r.status === 301 && header(r, 'location') === '/web/', `status ${r.status}, Location "${header(r, 'location')}"`);
    });

    await check('/web/ serves index.html, not cached, with security headers', async () => {
      const r = await req(web, '/web/');
      expect(r.status === 200, `status ${r.status}`);
      expect(r.body.equals(indexHtml), 'body differs from index.html');
      expect(header(r, 'content-type').startsWith('text/html'), `content-type ${header(r, 'content-type')}`);
      expect(header(r, 'cache-control') === 'no-cache', `cache-control "${header(r, 'cache-control')}"`);
      expect(header(r, 'x-content-type-options') === 'nosniff', 'no X-Content-Type-Options: nosniff');
      expect(header(r, 'x-frame-options') === 'DENY', 'no X-Frame-Options: DENY');
      expect(header(r, 'content-security-policy').includes("default-src 'self'"), 'no Content-Security-Policy');
    });

    await check('deep link /web/stats/cpu/usage_rate/cluster-3 serves index.html', async () => {
      const r = await req(web, '/web/stats/cpu/usage_rate/cluster-3');
      expect(r.status === 200, `status ${r.status}`);
      expect(r.body.equals(indexHtml), 'body differs from index.html');
      expect(header(r, 'cache-control') === 'no-cache', `cache-control "${header(r, 'cache-control')}"`);
    });

    await check('index.html is built for /web/ (base href) so deep links load their assets', () => {
      const m = /<base\s+href="([^"]*)"/i.exec(indexHtml.toString('utf8'));
      expect(m?.[1] === '/web/', `base href is ${m ? `"${m[1]}"` : 'missing'}; build with \`nx build web --base-href=/web/\``);
    });

    await check("the CSP allows every inline event handler in index.html (Angular's stylesheet loader)", async () => {
      const r = await req(web, '/web/');
      const csp = header(r, 'content-security-policy');
      const handlers = [...indexHtml.toString('utf8').matchAll(/\son\w+="([^"]*)"/g)].map((m) => m[1].replace(/&#39;|&apos;/g, "'"));
      for (const h of handlers) {
        const hash = `'sha256-${createHash('sha256').update(h).digest('base64')}'`;
        expect(csp.includes(hash), `inline handler ${JSON.stringify(h)} (${hash}) is not allowed by the CSP`);
      }
    });

    const asset = findHashedAsset(spa);
    await check('a content-hashed asset is served with a one-year immutable cache and gzip', async () => {
      expect(asset, 'no file named like name-HASH8.js/css in the SPA');
      const r = await req(web, `/web/${asset}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(r.status === 200, `status ${r.status}`);
      const cc = header(r, 'cache-control');
      expect(cc.includes('max-age=31536000') && cc.includes('immutable'), `cache-control "${cc}"`);
      expect(/javascript|css/.test(header(r, 'content-type')), `content-type ${header(r, 'content-type')}`);
      if (statSync(join(spa, asset)).size >= 1024) expect(header(r, 'content-encoding') === 'gzip', 'not gzip-compressed');
    });

    await check('a missing asset is a 404, not index.html', async () => {
      const r = await req(web, '/web/missing-ZZZZ9999.js');
      expect(r.status === 404, `status ${r.status}`);
    });

    await check('/healthz answers 200', async () => {
      const r = await req(web, '/healthz');
      expect(r.status === 200, `status ${r.status}`);
    });

    await check('GET /api/health is proxied to the API (200)', async () => {
      const direct = await req(api!, '/api/health');
      const r = await req(web, '/api/health');
      expect(r.status === 200, `status ${r.status} through nginx (direct: ${direct.status})`);
      expect(header(r, 'content-type') === header(direct, 'content-type'), `content-type "${header(r, 'content-type')}" vs direct "${header(direct, 'content-type')}"`);
      expect(!header(r, 'content-security-policy') || header(r, 'content-security-policy') === header(direct, 'content-security-policy'), "nginx added its own CSP to an API response");
    });

    // The seed's curl example: POST, X-USERNAME/X-PASSWORD, JSON body without Content-Type.
    const body = JSON.stringify({ agg: 'pod-by-namespace', timeBeginInterval: '2017-12-01', timeEndInterval: '2017-12-31' });
    const cases: [string, Record<string, string>][] = [
      ['the right credentials', { 'x-username': args.username, 'x-password': args.password }],
      ['a wrong password', { 'x-username': args.username, 'x-password': `${args.password}-wrong` }],
      ['no credentials', {}],
    ];
    for (const [what, headers] of cases) {
      await check(`POST /api/cpu/usage_rate with ${what} gets the same answer through nginx as directly`, async () => {
        const direct = await req(api!, '/api/cpu/usage_rate', { method: 'POST', headers, body });
        const r = await req(web, '/api/cpu/usage_rate', { method: 'POST', headers, body });
        expect(r.status === direct.status, `status ${r.status} through nginx, ${direct.status} directly`);
        if (r.status < 500) {
          expect(r.body.toString() === direct.body.toString() || r.status === 200, `body differs: ${r.body.toString().slice(0, 200)} vs ${direct.body.toString().slice(0, 200)}`);
        }
        if (what === 'the right credentials' && !usingStubApi) {
          expect(r.status !== 401, `the API rejected the credentials (pass --username/--password or API_USERNAME/API_PASSWORD)`);
        }
      });
    }

    await check('an Authorization header reaches the API unchanged', async () => {
      const headers = { authorization: 'Bearer not-a-real-token' };
      const direct = await req(api!, '/api/auth/me', { headers });
      const r = await req(web, '/api/auth/me', { headers });
      expect(r.status === direct.status, `status ${r.status} through nginx, ${direct.status} directly`);
    });

    if (usingStubApi) {
      await check('stub API sees the forwarded headers and body exactly', async () => {
        const r = await req(web, '/api/echo', {
          method: 'POST',
          headers: { 'x-username': 'u', 'x-password': 'p w', authorization: 'Bearer abc.def', 'x-forwarded-proto': 'https' },
          body,
        });
        const echo = JSON.parse(r.body.toString()) as { headers: Record<string, string>; body: string };
        expect(echo.headers['x-username'] === 'u' && echo.headers['x-password'] === 'p w', 'X-USERNAME/X-PASSWORD not forwarded');
        expect(echo.headers['authorization'] === 'Bearer abc.def', 'Authorization not forwarded');
        expect(echo.headers['x-forwarded-proto'] === 'https', 'X-Forwarded-Proto from the ingress not kept');
        expect(echo.headers['x-forwarded-for'] === '127.0.0.1', `X-Forwarded-For ${echo.headers['x-forwarded-for']}`);
        expect(echo.body === body, 'request body changed');
      });

      await check('a large CSV download is streamed, not buffered by nginx', async () => {
        // A slow client: read the first bytes, then stop reading. Streaming, the API is held
        // back by TCP back-pressure and cannot finish; buffering, nginx would have drained
        // the whole 64 MiB from the API into memory/temp files meanwhile.
        const { total, finishedWhilePaused } = await new Promise<{ total: number; finishedWhilePaused: boolean }>((done, fail) => {
          const r = httpRequest(new URL('/api/big.csv', web), { headers: { connection: 'close' } }, (res) => {
            let total = 0;
            let paused = false;
            let finishedWhilePaused = false;
            res.on('data', (c: Buffer) => {
              total += c.length;
              if (!paused) {
                paused = true;
                res.pause();
                setTimeout(() => {
                  finishedWhilePaused = stubState.bigFinished;
                  res.resume();
                }, 1500);
              }
            });
            res.on('end', () => done({ total, finishedWhilePaused }));
            res.on('error', fail);
          });
          r.on('error', fail);
          r.end();
        });
        expect(total === 64 * 1024 * 1024, `received ${total} bytes of ${64 * 1024 * 1024}`);
        expect(!finishedWhilePaused, 'the API finished sending while the client was not reading: nginx buffered the response');
      });
    }

    await sleep(50);
    const nginxLog = readLog();
    await check('nginx logged no errors', () => {
      expect(!/\[(error|crit|alert|emerg)\]/.test(nginxLog), nginxLog.split('\n').filter((l) => /\[(error|crit|alert|emerg)\]/.test(l)).join('\n'));
      expect(!/x-password|nginx-test-password/i.test(nginxLog), 'a credential appears in the access log');
    });
  } catch (error) {
    failed++;
    console.log(`not ok - test-nginx could not run: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (nginx && nginx.exitCode === null) {
      const done = new Promise((r) => nginx!.once('exit', r));
      nginx.kill('SIGQUIT');
      await Promise.race([done, sleep(5000)]);
      if (nginx.exitCode === null && nginx.signalCode === null) nginx.kill('SIGKILL');
    }
    if (stub) await new Promise((r) => stub!.close(r));
    const log = getLog();
    if (failed > 0 && log) console.log(`# nginx output:\n${log.trimEnd().replace(/^/gm, '#   ')}`);
    rmSync(work, { recursive: true, force: true });
  }
}

// Run only when executed, not when tools/lint-deploy.ts imports the helpers above.
if (require.main === module) {
  main()
    .catch((error) => {
      failed++;
      console.log(`not ok - test-nginx could not run: ${error instanceof Error ? error.message : String(error)}`);
    })
    .finally(() => {
      console.log(`${passed} passed, ${failed} failed`);
      process.exit(failed > 0 ? 1 : 0);
    });
}
