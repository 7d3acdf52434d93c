/**
 * Debian's nginx with the web image's configuration (deploy/web/nginx.conf and
 * default.conf.template, rendered as the image's entrypoint does) in a throwaway prefix: the
 * configuration check of `npm run lint:deploy`, and a running nginx on a free loopback port serving
 * an SPA at /web/ in front of an API for `npm run test:nginx` and the browser suites.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { getFreePort, settlesWithin, waitUntil } from './service-utils';

export const NGINX_BINARY = '/usr/sbin/nginx';
const ROOT = resolve(__dirname, '../../../..');
export const NGINX_CONF = join(ROOT, 'deploy/web/nginx.conf');
export const SITE_TEMPLATE = join(ROOT, 'deploy/web/default.conf.template');
/** The unprivileged user nginx runs as when the caller is root (as in the image). */
const NOBODY = 65534;

/** Installs Debian's nginx with apt-get when `bin` is the Debian binary and missing (needs root). */
export function ensureNginx(bin = NGINX_BINARY): void {
  if (existsSync(bin)) return;
  if (bin !== NGINX_BINARY) throw new Error(`${bin} does not exist`);
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

/**
 * Renders the site template as the nginx image's entrypoint does with
 * NGINX_ENVSUBST_FILTER=KM_: `${KM_X}` and `$KM_X` are replaced, nothing else.
 */
export function renderSiteTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\$(\{)?(KM_\w*)(\})?/g, (whole, open: string | undefined, name: string, close: string | undefined) => {
    if (Boolean(open) !== Boolean(close)) return whole;
    const v = vars[name];
    if (v === undefined) throw new Error(`template variable ${name} has no value`);
    return v;
  });
}

/** The main config with its run-time paths moved into `prefix` (nothing else changes). */
export function relocateMainConfig(conf: string, prefix: string): string {
  // One pass, so a prefix that itself lies under /tmp is not relocated twice.
  return conf.replace(/\/etc\/nginx\/conf\.d\/|(?<=\s)\/tmp\//g, (m) => (m.startsWith('/etc') ? `${prefix}/conf.d/` : `${prefix}/tmp/`));
}

/** The template's variables: the API's host:port, the listen address and the directory holding web/. */
export interface SiteVars {
  KM_API_UPSTREAM: string;
  KM_LISTEN_PORT: string;
  KM_WEB_ROOT: string;
}

/** Writes nginx.conf and conf.d/default.conf of the web image into `prefix`, with its tmp/ directory. */
export function writeWebImageConfig(prefix: string, site: SiteVars): void {
  for (const dir of ['conf.d', 'tmp']) mkdirSync(join(prefix, dir), { recursive: true });
  writeFileSync(join(prefix, 'nginx.conf'), relocateMainConfig(readFileSync(NGINX_CONF, 'utf8'), prefix));
  writeFileSync(join(prefix, 'conf.d/default.conf'), renderSiteTemplate(readFileSync(SITE_TEMPLATE, 'utf8'), { ...site }));
}

/** The arguments that run nginx on the configuration written by writeWebImageConfig(). */
function prefixArgs(prefix: string): string[] {
  return ['-p', `${prefix}/`, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr'];
}

/**
 * `nginx -t` on the configuration in `prefix`. The configuration logs to /dev/stdout and /dev/stderr,
 * so nginx gets a file there (not a pipe), whose text is returned.
 */
export function nginxConfigTest(prefix: string, options: { binary?: string; quiet?: boolean; ids?: { uid: number; gid: number } } = {}): { ok: boolean; output: string } {
  const out = join(prefix, 'nginx-t.out');
  const fd = openSync(out, 'w');
  const r = spawnSync(options.binary ?? NGINX_BINARY, ['-t', ...(options.quiet ? ['-q'] : []), ...prefixArgs(prefix)], {
    ...(options.ids ?? {}),
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  return { ok: r.status === 0, output: readFileSync(out, 'utf8') };
}

/** nginx -t refused the rendered configuration; the message holds nginx's output. */
export class NginxConfigRefused extends Error {}

export interface StartNginxOptions {
  /** Base URL of the API that /api is forwarded to. */
  api: string;
  /** The SPA to serve at /web/ (a directory holding index.html), copied into the prefix. */
  spa: string;
  binary?: string;
}

export interface NginxHandle {
  url: string;
  port: number;
  /** Whether nginx runs as nobody (the caller is root). */
  asNobody: boolean;
  /** nginx's error and access log so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts nginx on a free 127.0.0.1 port with the web image's configuration, serving a copy of
 * `spa` at /web/ and forwarding /api to `api`; waits for /healthz. Unprivileged: as root, nginx runs
 * as nobody and only reads its prefix. Throws NginxConfigRefused when `nginx -t` fails.
 */
export async function startNginx(options: StartNginxOptions): Promise<NginxHandle> {
  const binary = options.binary ?? NGINX_BINARY;
  ensureNginx(binary);
  const work = mkdtempSync(join(tmpdir(), 'km-nginx-'));
  let child: ChildProcess | undefined;
  try {
    cpSync(options.spa, join(work, 'html/web'), { recursive: true });
    mkdirSync(join(work, 'logs'));
    const port = await getFreePort();
    const api = new URL(options.api);
    writeWebImageConfig(work, {
      KM_API_UPSTREAM: `${api.hostname}:${api.port || '80'}`,
      KM_LISTEN_PORT: `127.0.0.1:${port}`,
      KM_WEB_ROOT: join(work, 'html'),
    });
    // nginx reopens /dev/stdout and /dev/stderr: a file owned by the user nginx runs as (reopening
    // a pipe created by root fails for nobody).
    const logFile = join(work, 'logs/nginx.out');
    writeFileSync(logFile, '');
    const asNobody = process.getuid?.() === 0;
    if (asNobody) {
      const chownTree = (p: string) => {
        chownSync(p, NOBODY, NOBODY);
        if (statSync(p).isDirectory()) for (const entry of readdirSync(p)) chownTree(join(p, entry));
      };
      chownTree(work);
    }
    chmodSync(work, 0o755);
    const ids = asNobody ? { uid: NOBODY, gid: NOBODY } : {};
    const readLog = () => readFileSync(logFile, 'utf8');
    const fd = openSync(logFile, 'a');
    const syntax = spawnSync(binary, [...prefixArgs(work), '-t'], { ...ids, stdio: ['ignore', fd, fd] });
    if (syntax.status !== 0) {
      closeSync(fd);
      throw new NginxConfigRefused(`nginx -t failed:\n${readLog()}`);
    }
    child = spawn(binary, [...prefixArgs(work), '-g', 'daemon off;'], { ...ids, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const url = `http://127.0.0.1:${port}`;
    const running = child;
    await waitUntil(
      'nginx to answer /healthz',
      () =>
        fetch(`${url}/healthz`)
          .then((r) => r.status === 200)
          .catch(() => false),
      {
        timeoutMs: 10_000,
        abort: () =>
          running.exitCode !== null || running.signalCode !== null ? new Error(`nginx exited (code ${running.exitCode}, signal ${running.signalCode}):\n${readLog()}`) : undefined,
      },
    );
    return { url, port, asNobody, log: readLog, stop: () => stop(running, work) };
  } catch (error) {
    await stop(child, work);
    throw error;
  }
}

/** nginx's version line (`nginx version: nginx/1.x`). */
export function nginxVersion(binary = NGINX_BINARY): string {
  return spawnSync(binary, ['-v'], { encoding: 'utf8' }).stderr.trim();
}

/** Graceful shutdown (SIGQUIT), SIGKILL when it lingers, then the prefix is removed. */
async function stop(child: ChildProcess | undefined, work: string): Promise<void> {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGQUIT');
    if (!(await settlesWithin(exited, 5_000))) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  rmSync(work, { recursive: true, force: true });
}
