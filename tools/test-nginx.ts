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
 * nginx is run by startNginx() of @kube-monitoring/testing; the checks are in tools/nginx-check/.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureNginx, NginxConfigRefused, nginxVersion, sleep, startNginx, type NginxHandle } from '@kube-monitoring/testing';

import { Checklist } from './lib/checklist';
import { parseArgs } from './nginx-check/args';
import { expect } from './nginx-check/expect';
import { proxyChecks } from './nginx-check/proxy-checks';
import { spaChecks } from './nginx-check/spa-checks';
import { startStubApi } from './nginx-check/stub-api';
import { makeStubWeb } from './nginx-check/stub-spa';

const checks = new Checklist();

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  ensureNginx(args.nginx);

  const work = mkdtempSync(join(tmpdir(), 'km-nginx-check-'));
  let nginx: NginxHandle | undefined;
  let stub: Server | undefined;
  try {
    // The SPA: the real build when there is one, else a stand-in.
    const usingStubWeb = args.stubWeb || !existsSync(join(args.web, 'index.html'));
    let spa = args.web;
    if (usingStubWeb) {
      checks.note(`no built SPA at ${args.web} (or --stub-web): using a stand-in SPA`);
      spa = join(work, 'stub-web');
      makeStubWeb(spa);
    }

    let api = args.api;
    const usingStubApi = api === undefined;
    if (api === undefined) {
      const s = await startStubApi(args.username, args.password);
      stub = s.server;
      api = s.url;
      checks.note(`no --api given: using a stub API at ${api}`);
    }

    try {
      nginx = await startNginx({ api, spa, binary: args.nginx });
    } catch (error) {
      if (!(error instanceof NginxConfigRefused)) throw error;
      checks.report('nginx -t accepts the rendered configuration', [error.message]);
      return;
    }
    checks.report('nginx -t accepts the rendered configuration', []);
    const web = nginx.url;
    checks.note(`nginx ${nginxVersion(args.nginx)} on ${web}${nginx.asNobody ? ' as nobody' : ''}, API ${api}, SPA ${usingStubWeb ? '(stand-in)' : args.web}`);

    await spaChecks(checks, web, spa);
    await proxyChecks(checks, { web, api, username: args.username, password: args.password, usingStubApi });

    await sleep(50);
    const nginxLog = nginx.log();
    await checks.check('nginx logged no errors', () => {
      expect(
        !/\[(error|crit|alert|emerg)\]/.test(nginxLog),
        nginxLog
          .split('\n')
          .filter((l) => /\[(error|crit|alert|emerg)\]/.test(l))
          .join('\n'),
      );
      expect(!/x-password|nginx-test-password/i.test(nginxLog), 'a credential appears in the access log');
    });
  } catch (error) {
    checks.abort('test-nginx', error);
  } finally {
    const log = nginx?.log() ?? '';
    await nginx?.stop();
    const server = stub;
    if (server) await new Promise((r) => server.close(r));
    if (checks.failed > 0 && log) checks.note(`nginx output:\n${log.trimEnd().replace(/^/gm, '#   ')}`);
    rmSync(work, { recursive: true, force: true });
  }
}

main()
  .catch((error) => checks.abort('test-nginx', error))
  .finally(() => process.exit(checks.summary()));
