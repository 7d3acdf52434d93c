/**
 * `npm test`: every check and every suite, in order, with real services started by the suites
 * themselves. Runs all steps even when one fails, then prints a summary and exits non-zero on
 * any failure. The last line is `N passed, N failed` (test cases, plus one per non-jest check).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const results = join(root, 'test-artifacts', 'results');

interface Step {
  name: string;
  command: string;
  /** Jest steps write a JSON report there, so test cases can be counted. */
  jestReport?: boolean;
}

const jest = (name: string, configs: string[], extra = ''): Step => ({
  name,
  jestReport: true,
  command: `npx jest ${configs.map((c) => `--projects ${c}`).join(' ')} --ci --json --outputFile=${join(results, `${name}.json`)} ${extra}`,
});

const unitProjects = ['apps/api', 'apps/web', 'libs/contract', 'libs/influx', 'libs/accounting', 'libs/simulator', 'libs/testing', 'tools']
  .map((p) => `${p}/jest.config.cts`)
  .filter((p) => existsSync(join(root, p)));

const steps: Step[] = [
  { name: 'typecheck', command: 'bash tools/test/typecheck.sh' },
  // Every Nx project, tools/ included (the project "tools").
  { name: 'lint', command: 'npx nx run-many -t lint --outputStyle=static' },
  // Every file Prettier formats (prettier.config.mjs, .prettierignore); `npm run format` fixes them.
  { name: 'format', command: 'npm run --silent format:check' },
  { name: 'openapi-lint', command: 'npx redocly lint docs/openapi.json --format=stylish' },
  ...(existsSync(join(root, 'tools/lint-deploy.ts')) ? [{ name: 'deploy-lint', command: 'npm run --silent lint:deploy' }] : []),
  jest('unit', unitProjects),
  { name: 'build', command: 'npx nx run-many -t build -p api web --outputStyle=static' },
  // The dashboard's initial bundle must stay under 500 kB gzip (Angular's budget measures raw size).
  { name: 'bundle-size', command: 'node apps/web/scripts/check-bundle-size.mjs dist/apps/web/browser 500' },
  ...['apps/api-integration', 'apps/api-e2e', 'apps/web-e2e']
    .filter((p) => existsSync(join(root, p, 'jest.config.cts')))
    .map((p) => jest(p.split('/')[1] as string, [`${p}/jest.config.cts`], '--runInBand')),
];

interface Outcome {
  name: string;
  ok: boolean;
  passed: number;
  failed: number;
  seconds: number;
}

function run(step: Step): Outcome {
  console.log(`\n==> ${step.name}: ${step.command}`);
  const started = Date.now();
  const r = spawnSync(step.command, {
    cwd: root,
    stdio: 'inherit',
    shell: true,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  const ok = r.status === 0;
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

function main(): void {
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  const only = process.argv.slice(2);
  const selected = only.length ? steps.filter((s) => only.includes(s.name)) : steps;
  const outcomes = selected.map(run);
  console.log('\n==> summary');
  for (const o of outcomes) {
    console.log(`${o.ok ? 'ok  ' : 'FAIL'}  ${o.name.padEnd(16)} passed=${o.passed} failed=${o.failed} (${o.seconds}s)`);
  }
  const passed = outcomes.reduce((a, o) => a + o.passed, 0);
  const failed = outcomes.reduce((a, o) => a + o.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(outcomes.every((o) => o.ok) && failed === 0 ? 0 : 1);
}

main();
