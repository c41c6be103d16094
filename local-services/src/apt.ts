/**
 * The last resort before giving up: install missing servers with apt-get, which only
 * works as root on Debian or Ubuntu. apt's output goes to stderr so that a caller
 * `eval`-ing our stdout never sees it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findExecutable } from './binaries.js';

/** Serialises installs: two concurrent apt-get runs would fight over the dpkg lock. */
let queue: Promise<unknown> = Promise.resolve();
let updated = false;

/** `true` when this process may install packages: root on a Debian-family system with apt-get. */
export function canInstallWithApt(): boolean {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version') && !!findExecutable('apt-get');
}

function aptGet(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('apt-get', args, {
      stdio: ['ignore', 2, 2],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`apt-get ${args.join(' ')} exited with code ${code}`)),
    );
  });
}

/**
 * Runs `apt-get update` (once per process, since a fresh machine has no package
 * lists) and then `apt-get install -y --no-install-recommends <packages>`.
 */
export function aptInstall(packages: readonly string[]): Promise<void> {
  const run = async () => {
    if (!updated) await aptGet(['update']);
    updated = true;
    await aptGet(['install', '-y', '--no-install-recommends', ...packages]);
  };
  const result = queue.then(run, run);
  queue = result.catch(() => {});
  return result;
}
