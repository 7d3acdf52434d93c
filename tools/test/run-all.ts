/**
 * `npm test`: every check and every suite, in order, with real services started by the suites
 * themselves. Runs all steps even when one fails, then prints a summary and exits non-zero on
 * any failure. The last line is `N passed, N failed` (test cases, plus one per non-jest check).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const results = join(root, 'test-artifacts', 'results');

interface Step {
  name: string;
  command: string;
  /** Jest steps write a JSON report there, so test cases can be counted. */
  jestReport?: boolean;
  /**
   * Steps of one lane run one after the other, beside the steps of the other lanes (each suite
   * starts its own services on free loopback ports). Steps without a lane run alone.
   */
  lane?: string;
}

const jest = (name: string, configs: string[], extra = ''): Step => ({
  name,
  jestReport: true,
  command: `npx jest ${configs.map((c) => `--projects ${c}`).join(' ')} --ci --json --outputFile=${join(results, `${name}.json`)} ${extra}`,
});

/** The accuracy suite: every scenario on both schemas, live and through the ledger. */
const ACCURACY_SPEC = 'apps/api-integration/src/accuracy/usage-accuracy.spec.ts';

const unitProjects = ['apps/api', 'apps/web', 'libs/contract', 'libs/influx', 'libs/accounting', 'libs/billing', 'libs/simulator', 'libs/testing', 'tools']
  .map((p) => `${p}/jest.config.cts`)
  .filter((p) => existsSync(join(root, p)));

/** Jest suites of projects that exist, in a lane. */
function suites(projects: [string, string][], lane: string): Step[] {
  return projects
    .filter(([p]) => existsSync(join(root, p, 'jest.config.cts')))
    .map(([p, extra]) => ({ ...jest(p.split('/')[1] as string, [`${p}/jest.config.cts`], extra), lane }));
}

const steps: Step[] = [
  { name: 'typecheck', command: 'bash tools/test/typecheck.sh' },
  // Every Nx project, tools/ included (the project "tools").
  { name: 'lint', command: 'npx nx run-many -t lint --outputStyle=static' },
  // Every file Prettier formats (prettier.config.mjs, .prettierignore); `npm run format` fixes them.
  { name: 'format', command: 'npm run --silent format:check' },
  { name: 'openapi-lint', command: 'npx redocly lint docs/openapi.json --format=stylish' },
  ...(existsSync(join(root, 'tools/lint-deploy.ts')) ? [{ name: 'deploy-lint', command: 'npm run --silent lint:deploy' }] : []),
  { name: 'build', command: 'npx nx run-many -t build -p api web --outputStyle=static' },
  // The dashboard's initial bundle must stay under 500 kB gzip (Angular's budget measures raw size).
  { name: 'bundle-size', command: 'node apps/web/scripts/check-bundle-size.mjs dist/apps/web/browser 500' },
  // Two cores, two lanes side by side, balanced by their measured length (docs/performance.md, "The
  // test run"): the accuracy suite (the slowest by far), then the API's end-to-end suites; beside
  // them the unit specs, the other integration suites, then the dashboard's browser suites.
  ...(existsSync(join(root, ACCURACY_SPEC))
    ? [{ ...jest('accuracy', ['apps/api-integration/jest.config.cts'], `--runInBand --runTestsByPath ${ACCURACY_SPEC}`), lane: 'accuracy' }]
    : []),
  ...suites([['apps/api-e2e', '--runInBand']], 'accuracy'),
  { ...jest('unit', unitProjects), lane: 'suites' },
  ...suites(
    [
      ['apps/api-integration', `--runInBand --testPathIgnorePatterns ${ACCURACY_SPEC.split('/').pop()}`],
      ['apps/web-e2e', '--runInBand'],
    ],
    'suites',
  ),
];

interface Outcome {
  name: string;
  ok: boolean;
  passed: number;
  failed: number;
  seconds: number;
}

const STEP_ENV = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };

function run(step: Step): Outcome {
  console.log(`\n==> ${step.name}: ${step.command}`);
  const started = Date.now();
  const r = spawnSync(step.command, { cwd: root, stdio: 'inherit', shell: true, env: STEP_ENV });
  return outcomeOf(step, r.status === 0, started);
}

/** A step beside others: its output goes to a file, printed whole when it ends (never interleaved). */
function runBeside(step: Step): Promise<Outcome> {
  const logs = join(root, 'test-artifacts', 'logs');
  mkdirSync(logs, { recursive: true });
  const file = join(logs, `${step.name}.log`);
  console.log(`\n==> ${step.name} (in parallel, output when it ends): ${step.command}`);
  const started = Date.now();
  const fd = openSync(file, 'w');
  return new Promise((resolvePromise) => {
    const child = spawn(step.command, { cwd: root, stdio: ['ignore', fd, fd], shell: true, env: STEP_ENV });
    child.on('close', (code) => {
      closeSync(fd);
      console.log(`\n==> ${step.name} ended (${Math.round((Date.now() - started) / 1000)}s):\n${readFileSync(file, 'utf8')}`);
      resolvePromise(outcomeOf(step, code === 0, started));
    });
  });
}

/** The lanes' steps, each lane in order, the lanes side by side; outcomes in the steps' order. */
async function runLanes(group: Step[]): Promise<Outcome[]> {
  const lanes = new Map<string, Step[]>();
  for (const step of group) lanes.set(step.lane as string, [...(lanes.get(step.lane as string) ?? []), step]);
  const done = new Map<Step, Outcome>();
  await Promise.all(
    [...lanes.values()].map(async (lane) => {
      for (const step of lane) done.set(step, await runBeside(step));
    }),
  );
  return group.map((s) => done.get(s) as Outcome);
}

function outcomeOf(step: Step, ok: boolean, started: number): Outcome {
  const seconds = Math.round((Date.now() - started) / 1000);
  if (step.jestReport) {
    const file = join(results, `${step.name}.json`);
    if (existsSync(file)) {
      const report = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numTotalTests: number };
      // A jest step that ran nothing is a failure in disguise.
      const empty = report.numTotalTests === 0;
      // A failing run with no failed test case (a suite that could not start) still counts as a failure.
      const failed = !ok || empty ? Math.max(1, report.numFailedTests) : report.numFailedTests;
      return { name: step.name, ok: ok && !empty, passed: report.numPassedTests, failed, seconds };
    }
    return { name: step.name, ok: false, passed: 0, failed: 1, seconds };
  }
  return { name: step.name, ok, passed: ok ? 1 : 0, failed: ok ? 0 : 1, seconds };
}

async function main(): Promise<void> {
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  const only = process.argv.slice(2);
  const selected = only.length ? steps.filter((s) => only.includes(s.name)) : steps;
  const outcomes: Outcome[] = [];
  for (let i = 0; i < selected.length;) {
    const step = selected[i] as Step;
    if (!step.lane) {
      outcomes.push(run(step));
      i++;
      continue;
    }
    // Consecutive steps with lanes run as one group.
    let j = i;
    while (j < selected.length && selected[j]?.lane) j++;
    outcomes.push(...(await runLanes(selected.slice(i, j))));
    i = j;
  }
  console.log('\n==> summary');
  for (const o of outcomes) {
    console.log(`${o.ok ? 'ok  ' : 'FAIL'}  ${o.name.padEnd(16)} passed=${o.passed} failed=${o.failed} (${o.seconds}s)`);
  }
  const passed = outcomes.reduce((a, o) => a + o.passed, 0);
  const failed = outcomes.reduce((a, o) => a + o.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(outcomes.every((o) => o.ok) && failed === 0 ? 0 : 1);
}

void main();
