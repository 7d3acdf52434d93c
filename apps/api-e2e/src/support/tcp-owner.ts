/**
 * Which local process owns a TCP connection (Linux /proc): the connection is found by its two ports
 * in /proc/net/tcp, its socket inode among the open files of the candidate processes. Tells which
 * API process a PostgreSQL session belongs to (pg_stat_activity's client_port).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Inode of the IPv4 (or IPv6) socket from `localPort` to `remotePort`, if there is one. */
function socketInode(localPort: number, remotePort: number): string | undefined {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const local = f[1]?.split(':').pop();
      const remote = f[2]?.split(':').pop();
      if (local && remote && parseInt(local, 16) === localPort && parseInt(remote, 16) === remotePort) return f[9];
    }
  }
  return undefined;
}

/** The process among `pids` that holds the connection from `localPort` to `remotePort`. */
export function ownerOfConnection(localPort: number, remotePort: number, pids: readonly number[]): number | undefined {
  const inode = socketInode(localPort, remotePort);
  if (!inode || inode === '0') return undefined;
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return pid;
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return undefined;
}
