/**
 * A throwaway OpenLDAP directory for tests, from Debian's `slapd`: a generated slapd.conf (mdb
 * backend, one base DN, a root DN with a random password, the memberOf overlay), a server on a free
 * 127.0.0.1 port in the foreground (`-d stats`, so its log says which filters it was sent), entries
 * loaded with `ldapadd` once it listens (online, so memberOf is maintained). Optionally TLS: a CA and
 * a server certificate for 127.0.0.1 made with openssl, StartTLS on the ldap:// port and an
 * ldaps:// port beside it.
 *
 * Library use: `const ldap = await startSlapd({ ldif }); … ldap.url …; await ldap.stop();`
 * Needs Debian's `slapd` and `ldap-utils` (tools/test/install-prerequisites.sh installs them; as root
 * with apt-get it installs them itself when missing).
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { getFreePort, LOOPBACK, waitUntil } from './service-utils';

const execFileAsync = promisify(execFile);

const SLAPD = '/usr/sbin/slapd';
const LDAPADD = '/usr/bin/ldapadd';

export interface SlapdHandle {
  /** `ldap://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** `ldaps://127.0.0.1:<port>` when started with `tls`. */
  ldapsUrl?: string;
  /** The CA certificate (PEM file) the server's certificate chains to, with `tls`. */
  caFile?: string;
  baseDn: string;
  /** The directory's root DN and password (write access to everything). */
  adminDn: string;
  adminPassword: string;
  baseDir: string;
  /** What slapd logged so far (connections, binds, searches with their filters). */
  log(): string;
  /** Adds or changes entries (`ldapadd`/`ldapmodify` LDIF, `changetype:` lines allowed) as the root DN. */
  modify(ldif: string): Promise<void>;
  /** Stops the server, keeping the data (an outage); `resume()` starts it again on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Stops the server and deletes everything. */
  stop(): Promise<void>;
}

export interface StartSlapdOptions {
  /** `dc=example,dc=test` by default; the base entry itself is created. */
  baseDn?: string;
  /** Entries under the base DN, loaded once the server listens. */
  ldif?: string;
  /** A certificate for 127.0.0.1, StartTLS and an ldaps:// port. */
  tls?: boolean;
}

export async function startSlapd(options: StartSlapdOptions = {}): Promise<SlapdHandle> {
  await ensureInstalled();
  const baseDn = options.baseDn ?? 'dc=example,dc=test';
  const dc = /^dc=([^,]+)/i.exec(baseDn)?.[1];
  if (!dc) throw new Error(`startSlapd: the base DN must start with dc=…, got "${baseDn}"`);
  const baseDir = mkdtempSync(join(tmpdir(), 'km-slapd-'));
  const adminDn = `cn=admin,${baseDn}`;
  const adminPassword = randomBytes(12).toString('hex');
  let child: ChildProcess | undefined;
  let log = '';
  let port = 0;
  let ldapsPort = 0;
  try {
    mkdirSync(join(baseDir, 'db'));
    const tls = options.tls ? await makeCertificates(baseDir) : undefined;
    const conf = join(baseDir, 'slapd.conf');
    writeFileSync(conf, slapdConf(baseDir, baseDn, adminDn, adminPassword, tls), { mode: 0o600 });
    writeFileSync(join(baseDir, 'admin.pw'), adminPassword, { mode: 0o600 });
    await execFileAsync('/usr/sbin/slaptest', ['-f', conf, '-u']).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`slaptest refused the generated slapd.conf: ${(err.stderr || err.message).trim()}`);
    });

    const start = async () => {
      const urls = [`ldap://${LOOPBACK}:${port}/`, ...(tls ? [`ldaps://${LOOPBACK}:${ldapsPort}/`] : [])];
      const proc = spawn(SLAPD, ['-f', conf, '-h', urls.join(' '), '-d', 'stats'], { stdio: ['ignore', 'ignore', 'pipe'] });
      proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
      let exited: Error | undefined;
      proc.once('exit', (code, signal) => (exited = new Error(`slapd exited (${signal ?? code}) while starting:\n${log.slice(-2000)}`)));
      await waitUntil(`slapd on ${LOOPBACK}:${port}`, () => canConnect(port), { timeoutMs: 20_000, intervalMs: 50, abort: () => exited });
      child = proc;
    };
    for (let attempt = 1; ; attempt++) {
      port = await getFreePort();
      ldapsPort = tls ? await getFreePort() : 0;
      try {
        await start();
        break;
      } catch (err) {
        // Another process took the port between our look and slapd's bind.
        if (attempt < 5 && /bind|address already in use/i.test(log)) continue;
        throw err;
      }
    }
    const url = `ldap://${LOOPBACK}:${port}`;
    const modify = async (ldif: string) => {
      const file = join(baseDir, `change-${randomBytes(4).toString('hex')}.ldif`);
      writeFileSync(file, ldif);
      try {
        await execFileAsync(LDAPADD, ['-x', '-H', url, '-D', adminDn, '-y', join(baseDir, 'admin.pw'), '-f', file]);
      } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new Error(`ldapadd failed: ${(e.stderr || e.message).trim()}`);
      } finally {
        rmSync(file, { force: true });
      }
    };
    await modify(`dn: ${baseDn}\nobjectClass: dcObject\nobjectClass: organization\ndc: ${dc}\no: ${dc}\n`);
    if (options.ldif) await modify(options.ldif);

    const halt = async () => {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null) return;
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    };
    return {
      url,
      port,
      ...(tls ? { ldapsUrl: `ldaps://${LOOPBACK}:${ldapsPort}`, caFile: tls.caFile } : {}),
      baseDn,
      adminDn,
      adminPassword,
      baseDir,
      log: () => log,
      modify,
      pause: halt,
      resume: async () => {
        if (child) return;
        await start();
      },
      stop: async () => {
        await halt();
        rmSync(baseDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    child?.kill('SIGKILL');
    rmSync(baseDir, { recursive: true, force: true });
    throw err;
  }
}

/** An inetOrgPerson under `ou=people` (with `userPassword` in clear: slapd compares it as is). */
export function ldapPerson(baseDn: string, uid: string, password: string, extra: Record<string, string> = {}): string {
  const lines = [`dn: uid=${uid},ou=people,${baseDn}`, 'objectClass: inetOrgPerson', `uid: ${uid}`, `cn: ${uid}`, `sn: ${uid}`, `mail: ${uid}@example.test`];
  lines.push(`userPassword: ${password}`);
  for (const [k, v] of Object.entries(extra)) lines.push(`${k}: ${v}`);
  return `${lines.join('\n')}\n`;
}

/** A groupOfNames under `ou=groups` with the given members' uids (at least one: the schema requires it). */
export function ldapGroup(baseDn: string, cn: string, memberUids: string[]): string {
  const members = memberUids.map((uid) => `member: uid=${uid},ou=people,${baseDn}`);
  return `${[`dn: cn=${cn},ou=groups,${baseDn}`, 'objectClass: groupOfNames', `cn: ${cn}`, ...members].join('\n')}\n`;
}

/** The two organisational units `ldapPerson` and `ldapGroup` write under. */
export function ldapUnits(baseDn: string): string {
  return ['people', 'groups'].map((ou) => `dn: ou=${ou},${baseDn}\nobjectClass: organizationalUnit\nou: ${ou}\n`).join('\n');
}

function slapdConf(baseDir: string, baseDn: string, adminDn: string, adminPassword: string, tls?: Certificates): string {
  const schema = ['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include /etc/ldap/schema/${s}.schema`);
  return [
    ...schema,
    `pidfile ${join(baseDir, 'slapd.pid')}`,
    `argsfile ${join(baseDir, 'slapd.args')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    'moduleload memberof',
    ...(tls ? [`TLSCACertificateFile ${tls.caFile}`, `TLSCertificateFile ${tls.certFile}`, `TLSCertificateKeyFile ${tls.keyFile}`] : []),
    // Users may read everything but passwords; binding is how a password is checked.
    'access to attrs=userPassword by self write by anonymous auth by * none',
    'access to * by * read',
    'database mdb',
    'maxsize 10485760',
    `suffix "${baseDn}"`,
    `rootdn "${adminDn}"`,
    // A throwaway directory: the root password in clear in its own 0600 file is fine.
    `rootpw ${adminPassword}`,
    `directory ${join(baseDir, 'db')}`,
    'index objectClass eq',
    'index uid,cn,member eq',
    'overlay memberof',
    'memberof-group-oc groupOfNames',
    'memberof-member-ad member',
    'memberof-memberof-ad memberOf',
    'memberof-refint TRUE',
    '',
  ].join('\n');
}

interface Certificates {
  caFile: string;
  certFile: string;
  keyFile: string;
}

async function makeCertificates(baseDir: string): Promise<Certificates> {
  const f = (name: string) => join(baseDir, name);
  const openssl = (args: string[]) => execFileAsync('openssl', args, { cwd: baseDir });
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=km test CA', '-keyout', f('ca.key'), '-out', f('ca.pem')]);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${LOOPBACK}`, '-keyout', f('server.key'), '-out', f('server.csr')]);
  writeFileSync(f('server.ext'), `subjectAltName=IP:${LOOPBACK},DNS:localhost\nextendedKeyUsage=serverAuth\n`);
  await openssl([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('server.ext'),
    '-out',
    f('server.pem'),
  ]);
  return { caFile: f('ca.pem'), certFile: f('server.pem'), keyFile: f('server.key') };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Debian's slapd and ldap-utils; installed when missing and we are root with apt-get. */
async function ensureInstalled(): Promise<void> {
  if (existsSync(SLAPD) && existsSync(LDAPADD)) return;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await execFileAsync('apt-get', ['update'], { env });
    await execFileAsync('apt-get', ['install', '-y', '--no-install-recommends', 'slapd', 'ldap-utils'], { env });
    if (existsSync(SLAPD) && existsSync(LDAPADD)) return;
  }
  throw new Error('slapd not found: install Debian packages slapd and ldap-utils (apt-get install slapd ldap-utils)');
}
