/** The command line of tools/test-nginx.ts (its header comment is the --help text). */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const USAGE_FILE = join(ROOT, 'tools/test-nginx.ts');

export interface Args {
  api?: string;
  web: string;
  stubWeb: boolean;
  username: string;
  password: string;
  nginx: string;
}

export function parseArgs(argv: string[]): Args {
  const get = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    const a = argv[i];
    if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
    return v;
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(readFileSync(USAGE_FILE, 'utf8').split('*/')[0]);
    process.exit(0);
  }
  const api = get('api');
  if (api !== undefined) {
    const u = new URL(api);
    if (u.protocol !== 'http:') throw new Error(`--api must be an http:// URL, got ${api}`);
    if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(u.hostname)) {
      throw new Error(`--api must point at a loopback address (127.x, localhost, [::1]), got ${u.hostname}`);
    }
  }
  return {
    api,
    web: resolve(get('web') ?? join(ROOT, 'dist/apps/web/browser')),
    stubWeb: argv.includes('--stub-web'),
    username: get('username') ?? process.env['API_USERNAME'] ?? 'nginx-test',
    password: get('password') ?? process.env['API_PASSWORD'] ?? 'nginx-test-password',
    nginx: get('nginx') ?? '/usr/sbin/nginx',
  };
}
