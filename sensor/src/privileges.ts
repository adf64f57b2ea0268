// The daemon's own least privilege (docs/sensor.md, "Privileges"). Once it listens, has read its
// files and the loader is attached, the daemon needs no capability at all: it reads only
// world-readable /proc files (cgroup, the pid's existence) and its own sockets and pipes. So a
// root daemon becomes an ordinary user (`--user`, default `nobody`); the loader switches to the
// same user before it reports ready (`--drop-to`), keeping only the capabilities its scan needs,
// and the daemon can still signal it. Node has no capset or prctl: setuid from root is what
// clears the daemon's capabilities (the kernel does, without SECBIT_KEEP_CAPS).
import { readFileSync } from 'node:fs';

export interface TargetUser {
  name: string;
  uid: number;
  gid: number;
}

const CAP_SETGID = 6;
const CAP_SETUID = 7;

/** A user from /etc/passwd text, by name or numeric uid; undefined when it is not there. */
export function findUser(passwd: string, who: string): TargetUser | undefined {
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === undefined || uid === undefined || gid === undefined || !/^\d+$/.test(uid) || !/^\d+$/.test(gid)) continue;
    if (name === who || uid === who) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

function effective(status: string): bigint {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  return m?.[1] ? BigInt(`0x${m[1]}`) : 0n;
}

/**
 * Whom to become, or why not (a warning, never fatal: the loader still drops its capabilities).
 * `who` is the --user value; `root` (or uid 0) means stay.
 */
export function planUserSwitch(
  who: string,
  env: { euid?: number; passwd?: string; status?: string } = {},
): { user?: TargetUser; warning?: string } {
  const euid = env.euid ?? process.geteuid?.() ?? -1;
  if (euid !== 0) return {};
  let passwd = env.passwd;
  try {
    passwd ??= readFileSync('/etc/passwd', 'utf8');
  } catch {
    passwd = '';
  }
  const user = findUser(passwd, who);
  if (!user) return { warning: `user ${who} is not in /etc/passwd: the daemon keeps running as root (pass --user NAME)` };
  if (user.uid === 0) return {};
  let status = env.status;
  try {
    status ??= readFileSync('/proc/self/status', 'utf8');
  } catch {
    status = '';
  }
  const caps = effective(status);
  const can = (cap: number): boolean => (caps & (1n << BigInt(cap))) !== 0n;
  if (!can(CAP_SETUID) || !can(CAP_SETGID)) return { warning: `without CAP_SETUID and CAP_SETGID the daemon cannot become ${who}: it keeps running as root with the capabilities it was given` };
  return { user };
}

/** Becomes `user` for good (groups, gid, uid); the loader must already be that user or done with privileges. */
export function becomeUser(user: TargetUser): void {
  process.setgroups?.([]);
  process.setgid?.(user.gid);
  process.setuid?.(user.uid);
  if (process.geteuid?.() !== user.uid) throw new Error(`could not become ${user.name} (uid ${user.uid})`);
}
