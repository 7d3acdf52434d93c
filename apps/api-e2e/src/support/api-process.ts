import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { getFreePort, noteSecret, waitUntil, watchLog, watchLogDir } from '@kube-monitoring/testing';

export const ROOT = resolve(__dirname, '../../../..');
export const API_MAIN = join(ROOT, 'dist/apps/api/main.js');

export interface ApiProcess {
  url: string;
  port: number;
  /** Base URL of its Prometheus listener (METRICS_PORT), e.g. `${metricsUrl}/metrics`. */
  metricsUrl: string;
  logDir: string;
  child: ChildProcess;
  output: () => string;
  /** Everything the process wrote to stdout and stderr. */
  fullOutput: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the built API (`node dist/apps/api/main.js`) with the given environment on a free port. */
export async function startApi(env: Record<string, string>, options: { waitForHealth?: boolean } = {}): Promise<ApiProcess> {
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: run \`npx nx build api\` first`);
  const port = await getFreePort();
  const metricsPort = env['METRICS_PORT'] ?? String(await getFreePort());
  const logDir = env['LOG_DIR'] ?? mkdtempSync(join(tmpdir(), 'km-e2e-logs-'));
  const child = spawn(process.execPath, [API_MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: metricsPort,
      LOG_DIR: logDir,
      LOG_LEVEL: 'info',
      WEB_DIR: '',
      LEDGER_ENABLED: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // Kept whole for the log scan after the suite (apps/api-e2e/src/support/log-scan.setup.ts).
  let all = '';
  const collect = (d: Buffer) => {
    all += d.toString();
    out = (out + d.toString()).slice(-200_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  watchLogDir(logDir);
  watchLog(`stdout of the API on port ${port}`, () => all);
  noteSecret(env['API_PASSWORD']);
  noteSecret(env['JWT_SECRET']);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  if (options.waitForHealth !== false) {
    await waitUntil(
      'the API to answer /api/health',
      () =>
        fetch(`${url}/api/health`)
          .then((r) => r.ok)
          .catch(() => false),
      {
        timeoutMs: 30_000,
        intervalMs: 100,
        abort: () => (child.exitCode !== null ? new Error(`the API exited with ${child.exitCode}:\n${out}`) : undefined),
      },
    );
  }
  return {
    url,
    port,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    logDir,
    child,
    output: () => out,
    fullOutput: () => all,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
