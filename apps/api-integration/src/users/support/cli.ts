import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../../../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const CLI = ['--tsconfig', 'apps/api/tsconfig.app.json', 'apps/api/src/cli/users-cli.ts'];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: only what the CLI needs, so nothing of the test process leaks in. */
function cliEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env };
}

function collect(command: string, args: string[], env: Record<string, string>, feed: (child: ReturnType<typeof spawn>) => void): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: cliEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    feed(child);
  });
}

/** Runs the users CLI as its own process; `stdin` is written and closed (undefined: closed at once). */
export function runCli(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return collect(TSX, [...CLI, ...args], env, (child) => child.stdin?.end(stdin ?? ''));
}

/** Runs it through the npm script, exactly as documented (`npm run createuser -- …`). */
export function runNpmScript(script: string, args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return collect('npm', ['run', '--silent', script, '--', ...args], env, (child) => child.stdin?.end(stdin ?? ''));
}

/**
 * Runs the CLI on a real pseudo-terminal (util-linux `script`) and types each answer only once its
 * prompt is on screen, as a person would. Returns everything the terminal showed.
 */
export function runCliOnTerminal(args: string[], env: Record<string, string>, answers: string[]): Promise<CliResult> {
  const command = [TSX, ...CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const pending = [...answers];
  return collect('script', ['-qfec', command, '/dev/null'], env, (child) => {
    let screen = '';
    child.stdout?.on('data', (c: Buffer) => {
      screen += c.toString();
      if (/Password( \(again\))?: $/.test(screen) && pending.length) {
        screen = '';
        child.stdin?.write(`${pending.shift()}\r`);
      }
    });
    child.on('close', () => child.stdin?.destroy());
  });
}
