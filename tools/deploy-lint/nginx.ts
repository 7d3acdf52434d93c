/** `nginx -t` (Debian's nginx) on the web image's configuration, rendered with the image's defaults. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ensureNginx, nginxConfigTest, writeWebImageConfig } from '@kube-monitoring/testing';

import { ROOT } from './workspace';

export function nginxProblems(work: string): string[] {
  ensureNginx();
  const dir = mkdtempSync(join(work, 'nginx-'));
  mkdirSync(join(dir, 'html/web'), { recursive: true });
  writeFileSync(join(dir, 'html/web/index.html'), '<!doctype html>');
  // The image's defaults (Dockerfile.web ENV), with the API host resolvable here.
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile.web'), 'utf8');
  const envDefault = (name: string) => new RegExp(`${name}=(\\S+)`).exec(dockerfile)?.[1];
  const problems: string[] = [];
  for (const n of ['KM_API_UPSTREAM', 'KM_LISTEN_PORT', 'KM_WEB_ROOT']) if (!envDefault(n)) problems.push(`Dockerfile.web sets no default for ${n}`);
  writeWebImageConfig(dir, {
    KM_API_UPSTREAM: '127.0.0.1:8000',
    KM_LISTEN_PORT: `127.0.0.1:${envDefault('KM_LISTEN_PORT') ?? '8080'}`,
    KM_WEB_ROOT: join(dir, 'html'),
  });
  const r = nginxConfigTest(dir, { quiet: true });
  if (!r.ok) problems.push(`nginx -t: ${r.output}`);
  return problems;
}
