/**
 * The built API as a child process (`node dist/apps/api/main.js`, loopback, free port) and the built
 * users CLI, for the global setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { getFreePort, settlesWithin, waitUntil } from '@kube-monitoring/testing';

export const ROOT = resolve(__dirname, '../../../..');
export const API_MAIN = join(ROOT, 'dist/apps/api/main.js');
export const USERS_CLI = join(ROOT, 'dist/apps/api/cli/users-cli.js');
export const WEB_DIR = join(ROOT, 'dist/apps/web/browser');

export interface ApiProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the built API with `env` on a free loopback port and waits for `GET /api/health`. */
export async function startApi(env: Record<string, string>): Promise<ApiProcess> {
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: run \`npx nx build api\``);
  const port = await getFreePort();
  const child = spawn(process.execPath, [API_MAIN], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: String(port), METRICS_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-100_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const api: ApiProcess = {
    url,
    port,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await settlesWithin(exited, 10_000))) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  try {
    await waitUntil(
      'the API to answer GET /api/health',
      () =>
        fetch(`${url}/api/health`)
          .then((r) => r.ok)
          .catch(() => false),
      {
        timeoutMs: 30_000,
        abort: () => (child.exitCode !== null ? new Error(`the API exited with ${child.exitCode}:\n${out}`) : undefined),
      },
    );
  } catch (error) {
    await api.stop();
    throw error;
  }
  return api;
}

/** `users-cli createuser … --password-stdin` against the API's SQLite file. */
export function createUser(sqlitePath: string, user: { username: string; email: string; password: string; role: 'admin' | 'viewer'; namespaces?: string[] }): Promise<void> {
  if (!existsSync(USERS_CLI)) throw new Error(`${USERS_CLI} is missing: run \`npx nx build api\``);
  const args = [
    USERS_CLI,
    'createuser',
    `--username=${user.username}`,
    `--email=${user.email}`,
    `--role=${user.role}`,
    // Without the option an admin sees every namespace and a viewer none.
    ...(user.namespaces ? [`--namespaces=${user.namespaces.join(',')}`] : []),
    '--password-stdin',
  ];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', SQLITE_PATH: sqlitePath },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`users-cli createuser ${user.username} exited with ${code}: ${out}`))));
    child.stdin.end(`${user.password}\n`);
  });
}
