import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';

import pino from 'pino';

import { installProcessSafetyNet, summariseRejection } from './process-safety-net';

const ROOT = resolve(__dirname, '../../../..');

/** A Node process that rejects a promise nobody handles, then says whether it is still running 200 ms later. */
function runRejectingProcess(withSafetyNet: boolean): { status: number | null; stdout: string } {
  const script = `
    const pino = require('pino');
    const { installProcessSafetyNet } = require(${JSON.stringify(join(__dirname, 'process-safety-net.ts'))});
    if (${withSafetyNet}) installProcessSafetyNet(pino());
    Promise.reject(Object.assign(new Error('InfluxDB went away'), { parameters: ['scrypt$secret-hash'] }));
    setTimeout(() => process.stdout.write('still serving\\n'), 200);
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout };
}

describe('installProcessSafetyNet', () => {
  it('should keep a process running after an unhandled rejection, logging it once as an error', () => {
    const { status, stdout } = runRejectingProcess(true);
    expect(status).toBe(0);
    expect(stdout).toContain('still serving');
    const logged = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; rejection: { message: string } });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, msg: expect.stringContaining('unhandled promise rejection'), rejection: { message: 'InfluxDB went away' } });
    expect(stdout).not.toContain('secret-hash');
  }, 30_000);

  it('should be what keeps it running: without it the same process exits with an error', () => {
    const { status, stdout } = runRejectingProcess(false);
    expect(status).not.toBe(0);
    expect(stdout).not.toContain('still serving');
  }, 30_000);

  it("should log through the given logger only the rejection's type, message and stack", () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    const target = new EventEmitter();
    installProcessSafetyNet(pino(out), target);
    const err = Object.assign(new Error('query timeout'), { parameters: ['scrypt$hash-of-a-new-password'], cause: { password: 'x' } });
    target.emit('unhandledRejection', err, Promise.resolve());
    const entry = JSON.parse(lines[0] ?? '{}') as { rejection: Record<string, unknown> };
    expect(Object.keys(entry.rejection).sort()).toEqual(['message', 'stack', 'type']);
    expect(lines.join('\n')).not.toMatch(/hash-of-a-new-password|password/);
  });

  it('should summarise reasons that are not errors without their content', () => {
    expect(summariseRejection({ token: 'secret' })).toEqual({ type: 'object', message: 'a rejection without an Error' });
    expect(summariseRejection(undefined)).toEqual({ type: 'undefined', message: 'a rejection without an Error' });
    expect(summariseRejection('went wrong')).toEqual({ type: 'string', message: 'went wrong' });
  });
});
