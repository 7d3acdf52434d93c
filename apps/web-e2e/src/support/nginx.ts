/**
 * Debian's nginx with the web image's configuration (deploy/web/nginx.conf and
 * default.conf.template, rendered as the image's entrypoint does) serving the built SPA at /web/
 * and forwarding /api to the API: the separately deployed dashboard, on a free loopback port.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { getFreePort, waitUntil } from '../../../../tools/services/service-utils';
import { ensureNginx, relocateMainConfig, renderSiteTemplate } from '../../../../tools/test-nginx';
import { settlesWithin } from './processes';

const ROOT = resolve(__dirname, '../../../..');
const NGINX = '/usr/sbin/nginx';
const NOBODY = 65534;

export interface NginxHandle {
  url: string;
  /** nginx's error and access log so far. */
  log(): string;
  stop(): Promise<void>;
}

export async function startNginx(apiUrl: string, webDir = join(ROOT, 'dist/apps/web/browser')): Promise<NginxHandle> {
  ensureNginx(NGINX);
  const work = mkdtempSync(join(tmpdir(), 'km-web-e2e-nginx-'));
  let child: ChildProcess | undefined;
  try {
    cpSync(webDir, join(work, 'html/web'), { recursive: true });
    for (const dir of ['conf.d', 'tmp', 'logs']) mkdirSync(join(work, dir));
    const port = await getFreePort();
    const api = new URL(apiUrl);
    writeFileSync(join(work, 'nginx.conf'), relocateMainConfig(readFileSync(join(ROOT, 'deploy/web/nginx.conf'), 'utf8'), work));
    writeFileSync(
      join(work, 'conf.d/default.conf'),
      renderSiteTemplate(readFileSync(join(ROOT, 'deploy/web/default.conf.template'), 'utf8'), {
        KM_API_UPSTREAM: `${api.hostname}:${api.port}`,
        KM_LISTEN_PORT: `127.0.0.1:${port}`,
        KM_WEB_ROOT: join(work, 'html'),
      }),
    );
    const logFile = join(work, 'logs/nginx.out');
    writeFileSync(logFile, '');
    // As root, nginx runs as nobody (as in the image, unprivileged) and only reads `work`.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      const chownTree = (p: string) => {
        chownSync(p, NOBODY, NOBODY);
        if (statSync(p).isDirectory()) for (const entry of readdirSync(p)) chownTree(join(p, entry));
      };
      chownTree(work);
    }
    const ids = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
    const base = ['-p', `${work}/`, '-c', join(work, 'nginx.conf'), '-e', 'stderr'];
    const fd = openSync(logFile, 'a');
    const syntax = spawnSync(NGINX, [...base, '-t'], { ...ids, stdio: ['ignore', fd, fd] });
    if (syntax.status !== 0) {
      closeSync(fd);
      throw new Error(`nginx -t refused the rendered configuration:\n${readFileSync(logFile, 'utf8')}`);
    }
    child = spawn(NGINX, [...base, '-g', 'daemon off;'], { ...ids, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const url = `http://127.0.0.1:${port}`;
    const running = child;
    await waitUntil('nginx to answer /healthz', () => fetch(`${url}/healthz`).then((r) => r.status === 200).catch(() => false), {
      timeoutMs: 10_000,
      abort: () => (running.exitCode !== null ? new Error(`nginx exited with ${running.exitCode}:\n${readFileSync(logFile, 'utf8')}`) : undefined),
    });
    return {
      url,
      log: () => readFileSync(logFile, 'utf8'),
      stop: () => stop(running, work),
    };
  } catch (error) {
    await stop(child, work);
    throw error;
  }
}

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
