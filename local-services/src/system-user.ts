/**
 * PostgreSQL refuses to run as root. When we are root, its processes run as the
 * `postgres` system user instead (Node's `spawn` sets uid and gid and drops the
 * supplementary groups, which is what `runuser -u postgres` would do, minus a
 * wrapper process between us and the server that would swallow our signals).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Numeric ids to run a child process as. */
export interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** Looks a user up in `/etc/passwd`; `undefined` when there is no such user. */
export function findSystemUser(name: string): SystemUser | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { name, uid: Number(uid), gid: Number(gid) } : undefined;
}

/**
 * The user PostgreSQL must run as: `undefined` (ourselves) unless we are root, then
 * the `postgres` system user that the Debian packages create.
 *
 * @throws when running as root and no `postgres` user exists.
 */
export function postgresRunAs(): SystemUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = findSystemUser('postgres');
  if (!user) {
    throw new Error(
      'PostgreSQL cannot run as root and there is no "postgres" user: create one ' +
        '(useradd --system --home /var/lib/postgresql postgres) or run as a normal user',
    );
  }
  return user;
}

/** `true` when `user` can write into `dir`, asked of the kernel rather than guessed from modes. */
export function canWrite(user: SystemUser, dir: string): boolean {
  return spawnSync('test', ['-w', dir], { uid: user.uid, gid: user.gid, cwd: '/' }).status === 0;
}
