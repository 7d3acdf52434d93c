/**
 * Secrets must never reach a log. Test suites register every log the API under test writes (its
 * LOG_DIR, its captured stdout, in-process log captures) and every password they send; after each
 * suite `assertNoSecretsInLogs()` reads them all and fails with where it found a JWT, an scrypt hash
 * or one of those passwords. The registry lives in this module, so it is per test file under jest.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One log, or a directory of them: `read()` gives each file's name and text as of now. */
export interface LogSource {
  read(): { name: string; text: string }[];
}

/** What a secret looks like whatever its value. */
export const SECRET_PATTERNS: { what: string; pattern: RegExp }[] = [
  { what: 'a JWT', pattern: /eyJ[\w-]+\.[\w-]+\.[\w-]+/ },
  { what: 'an scrypt password hash', pattern: /scrypt\$/ },
];

/** Shorter strings would match ordinary words; every password the suites use is longer. */
const MIN_SECRET_LENGTH = 8;

const sources: LogSource[] = [];
const secrets = new Set<string>();

/** A log held in memory (captured stdout, a capturing logger's lines). */
export function memoryLog(name: string, read: () => string): LogSource {
  return { read: () => [{ name, text: read() }] };
}

/** Every file in `dir` (info.log, errors.log and their rotated, gzipped predecessors). */
export function logDir(dir: string): LogSource {
  return {
    read: () =>
      existsSync(dir)
        ? readdirSync(dir)
            .map((f) => join(dir, f))
            .filter((f) => statSync(f).isFile())
            .map((f) => {
              const bytes = readFileSync(f);
              return { name: f, text: (f.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8') };
            })
        : [],
  };
}

/** Registers a log to scan after the suite. */
export function watchLog(name: string, read: () => string): void {
  sources.push(memoryLog(name, read));
}

/** Registers a LOG_DIR to scan after the suite. */
export function watchLogDir(dir: string): void {
  sources.push(logDir(dir));
}

/** A password (or other secret value) the suite sent: it must not appear in any log either. */
export function noteSecret(value: unknown): void {
  if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

export interface Finding {
  source: string;
  line: number;
  what: string;
}

export function findSecrets(name: string, text: string, known: Iterable<string> = secrets): Finding[] {
  const findings: Finding[] = [];
  const values = [...known];
  text.split('\n').forEach((line, i) => {
    for (const { what, pattern } of SECRET_PATTERNS) if (pattern.test(line)) findings.push({ source: name, line: i + 1, what });
    for (const v of values) if (line.includes(v)) findings.push({ source: name, line: i + 1, what: `the password ${mask(v)}` });
  });
  return findings;
}

/**
 * Scans every registered log (and `extra`, with `extraSecrets` beside the noted ones); throws, naming
 * each place, never printing the secret itself.
 */
export function assertNoSecretsInLogs(extra: LogSource[] = [], extraSecrets: string[] = []): void {
  const known = [...secrets, ...extraSecrets];
  const findings = [...sources, ...extra].flatMap((s) => s.read()).flatMap((log) => findSecrets(log.name, log.text, known));
  if (findings.length === 0) return;
  const list = findings.slice(0, 20).map((f) => `  ${f.what} in ${f.source}, line ${f.line}`);
  if (findings.length > 20) list.push(`  … and ${findings.length - 20} more`);
  throw new Error(`secrets reached the logs:\n${list.join('\n')}`);
}

function mask(v: string): string {
  return `${v.slice(0, 2)}…(${v.length} characters)`;
}
