/**
 * Starts the pass-through floor (floor/floor-main.ts) as its own process, like the API: in the
 * bench's process it would share the client's event loop and wake-ups, which flatters it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { ROOT } from './build';
import { killOnExit, stopChild } from './children';
import { HttpRequest, HttpTarget } from './http';
import { Plan, replayable } from './recorder';

const FLOOR_MAIN = join(ROOT, 'tools/bench/floor/floor-main.ts');
const START_TIMEOUT_MS = 30_000;

export interface FloorProcess {
  readonly url: string;
  readonly pid: number;
  /** Makes `plans` the ones the floor replays (request `{plan: i}` replays `plans[i]`). */
  load(plans: readonly Plan[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startFloor(influxUrl: string): Promise<FloorProcess> {
  // `--import tsx` loads the TypeScript in this one process (the tsx CLI would add a parent process).
  const child = spawn(process.execPath, ['--import', 'tsx', FLOOR_MAIN, influxUrl], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', TSX_TSCONFIG_PATH: join(ROOT, 'tools/tsconfig.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  killOnExit(child);
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      const m = /^listening (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
      else reject(new Error(`the pass-through floor said "${line}" instead of its port`));
    });
    child.once('exit', (code, signal) => reject(new Error(`the pass-through floor exited (${code ?? signal}) before listening`)));
    setTimeout(() => reject(new Error(`the pass-through floor did not listen within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS).unref();
  }).catch(async (e: unknown) => {
    await stopChild(child, 1000);
    throw e;
  });
  const url = `http://127.0.0.1:${port}`;
  const control = new HttpTarget(url, 1);
  return {
    url,
    pid: child.pid ?? -1,
    async load(plans) {
      const a = await control.send(
        { method: 'PUT', path: '/plans', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plans.map(replayable)) },
        { keepText: true },
      );
      if (a.status !== 204) throw new Error(`the pass-through floor refused the plans (${a.status}): ${a.text ?? ''}`);
    },
    async stop() {
      control.close();
      await stopChild(child);
    },
  };
}

/** The floor's request for the i-th request of a side: which recorded plan to replay, in turn. */
export function floorRequest(i: number, plans: number): HttpRequest {
  return { method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ plan: i % plans }) };
}
