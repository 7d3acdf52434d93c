/**
 * Dockerfile.api and Dockerfile.web: dockerfile-utils' linter, then the project's rules on the
 * instructions as dockerfile-ast parses them (pinned bases, npm ci, production-only dependencies,
 * non-root USER, HEALTHCHECK, logs directory, COPY sources present and not excluded by .dockerignore).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DockerfileParser, ModifiableInstruction } from 'dockerfile-ast';
import { validate as validateDockerfile } from 'dockerfile-utils';

import { dockerignorePatterns, excludedByDockerignore } from './dockerignore';
import { ROOT } from './workspace';

interface Instruction {
  keyword: string;
  /** The flags (`--from=build`) then the arguments, as one string. */
  args: string;
  line: number;
}

function parseDockerfile(text: string): Instruction[] {
  return DockerfileParser.parse(text)
    .getInstructions()
    .map((i) => {
      const flags = i instanceof ModifiableInstruction ? i.getFlags().map((f) => f.toString()) : [];
      return { keyword: i.getKeyword().toUpperCase(), args: [...flags, i.getArgumentsContent() ?? ''].join(' ').trim(), line: i.getRange().start.line + 1 };
    });
}

export function dockerfileProblems(file: string, kind: 'api' | 'web'): string[] {
  const problems: string[] = [];
  const path = join(ROOT, file);
  if (!existsSync(path)) return [`${file} does not exist`];
  const text = readFileSync(path, 'utf8');
  for (const d of validateDockerfile(text)) {
    problems.push(`${file}:${d.range.start.line + 1}: ${d.severity === 1 ? 'error' : 'warning'}: ${d.message}`);
  }
  const ins = parseDockerfile(text);
  const stages: { name?: string; image: string; ins: Instruction[] }[] = [];
  for (const i of ins) {
    if (i.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(i.args);
      stages.push({ image: m?.[1] ?? i.args, name: m?.[2], ins: [] });
      const image = m?.[1] ?? '';
      const names = stages.slice(0, -1).map((s) => s.name);
      if (!names.includes(image)) {
        const tag = /:([^:/@]+)$/.exec(image.split('@')[0])?.[1];
        if (image.includes('$')) problems.push(`${file}:${i.line}: base image "${image}" is not written out`);
        else if (!image.includes('@') && (!tag || tag === 'latest' || !/\d+\.\d+/.test(tag)))
          problems.push(`${file}:${i.line}: base image "${image}" is not pinned to a version (name:X.Y[.Z]…)`);
      }
    } else if (stages.length) stages.at(-1)!.ins.push(i);
  }
  if (stages.length < 2) problems.push(`${file}: not a multi-stage build`);
  const final = stages.at(-1);
  if (!final) return problems;
  const all = (kw: string, s = final) => s.ins.filter((i) => i.keyword === kw);
  const runs = ins.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  if (!runs.some((r) => /\bnpm ci\b/.test(r))) problems.push(`${file}: dependencies are not installed with npm ci`);
  for (const r of runs) if (/\bnpm (install|i)\b/.test(r)) problems.push(`${file}: "npm install" in RUN (use npm ci from package-lock.json)`);
  for (const r of runs) {
    if (/apt-get install/.test(r) && !/--no-install-recommends/.test(r)) problems.push(`${file}: apt-get install without --no-install-recommends`);
    if (/apt-get install/.test(r) && !/rm -rf \/var\/lib\/apt\/lists/.test(r)) problems.push(`${file}: apt lists not removed in the same RUN`);
  }
  const users = all('USER');
  const user = users.at(-1)?.args;
  if (!user) problems.push(`${file}: the final stage sets no USER (runs as root)`);
  else if (/^(root|0)(:|$)/.test(user)) problems.push(`${file}: the final stage runs as ${user}`);
  const cmdLine = [...all('CMD'), ...all('ENTRYPOINT')].map((i) => i.line);
  if (users.length && cmdLine.some((l) => l < users.at(-1)!.line)) problems.push(`${file}: USER comes after CMD/ENTRYPOINT`);
  const hc = all('HEALTHCHECK');
  if (hc.length === 0 || /^NONE$/i.test(hc.at(-1)!.args)) problems.push(`${file}: the final stage has no HEALTHCHECK`);
  if (all('EXPOSE').length === 0) problems.push(`${file}: the final stage EXPOSEs no port`);
  // What goes into the final image.
  const copies = all('COPY');
  if (kind === 'api') {
    const depsCopy = copies.find((c) => /node_modules/.test(c.args) && /--from=(\S+)/.test(c.args));
    const from = depsCopy && /--from=(\S+)/.exec(depsCopy.args)![1];
    const depsStage = stages.find((s) => s.name === from);
    if (!depsStage) problems.push(`${file}: node_modules of the final image do not come from a dependencies stage`);
    else if (!all('RUN', depsStage).some((r) => /npm ci\b.*--omit=dev/.test(r.args)))
      problems.push(`${file}: stage ${from} does not install with npm ci --omit=dev (production dependencies only)`);
    if (!final.ins.some((i) => i.keyword === 'RUN' && i.args.includes('/logs/kube-monitoring'))) problems.push(`${file}: the final stage does not create /logs/kube-monitoring`);
    if (!final.ins.some((i) => i.keyword === 'ENV' && /LOG_DIR=\/logs\/kube-monitoring/.test(i.args))) problems.push(`${file}: LOG_DIR=/logs/kube-monitoring is not set`);
    if (!final.ins.some((i) => i.keyword === 'ENV' && /NODE_ENV=production/.test(i.args))) problems.push(`${file}: NODE_ENV=production is not set`);
    if (!/dist\/apps\/api\/main\.js/.test(all('CMD').at(-1)?.args ?? '')) problems.push(`${file}: CMD does not run dist/apps/api/main.js`);
    if (!/\/api\/health/.test(hc.at(-1)?.args ?? '')) problems.push(`${file}: HEALTHCHECK does not probe /api/health`);
    if (!/users-cli\.js/.test(text)) problems.push(`${file}: the users CLI (dist/apps/api/cli/users-cli.js) is not checked into the image`);
  } else {
    if (copies.some((c) => /node_modules/.test(c.args))) problems.push(`${file}: node_modules copied into the static image`);
    for (const f of ['deploy/web/nginx.conf', 'deploy/web/default.conf.template']) if (!copies.some((c) => c.args.includes(f))) problems.push(`${file}: ${f} is not used`);
    if (!/\/healthz/.test(hc.at(-1)?.args ?? '')) problems.push(`${file}: HEALTHCHECK does not probe /healthz`);
  }
  for (const s of stages) {
    for (const c of all('COPY', s)) {
      if (/--from=/.test(c.args)) continue;
      const parts = c.args.replace(/--\S+/g, '').trim().split(/\s+/);
      for (const src of parts.slice(0, -1)) {
        if (src === '.' || src.includes('*')) continue;
        if (!existsSync(join(ROOT, src))) problems.push(`${file}:${c.line}: COPY source ${src} does not exist`);
        else if (excludedByDockerignore(src, dockerignorePatterns())) problems.push(`${file}:${c.line}: COPY source ${src} is excluded by .dockerignore`);
      }
    }
  }
  if (/\bnpm run build\b/.test(text) && !/nx build/.test(text)) problems.push(`${file}: builds without nx`);
  if (kind === 'web' && !/--base-href=\/web\//.test(text)) problems.push(`${file}: the SPA is not built for /web/ (--base-href=/web/)`);
  if (kind === 'api' && !/--base-href=\/web\//.test(text)) problems.push(`${file}: the SPA served at /web is not built with --base-href=/web/`);
  return problems;
}
