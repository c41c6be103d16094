/**
 * Finds installed server binaries by looking, never by assuming a version: Debian
 * keeps PostgreSQL under `/usr/lib/postgresql/<major>/bin`, outside `PATH`.
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** Directories searched after `PATH`: `sbin` is often missing from a non-root `PATH`. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const DEBIAN_POSTGRES_DIR = '/usr/lib/postgresql';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The full path of an executable on `PATH` (or a usual system directory), if any. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

/** The `redis-server` binary, if installed. */
export function findRedisServer(): string | undefined {
  return findExecutable('redis-server');
}

/**
 * The directory holding PostgreSQL's `initdb` and `postgres`: the newest
 * `/usr/lib/postgresql/<major>/bin`, else wherever `initdb` is on `PATH`.
 */
export function findPostgresBinDir(): string | undefined {
  const hasBoth = (dir: string) => isExecutable(join(dir, 'initdb')) && isExecutable(join(dir, 'postgres'));
  const versions = existsSync(DEBIAN_POSTGRES_DIR)
    ? readdirSync(DEBIAN_POSTGRES_DIR).sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  const debian = versions.map((version) => join(DEBIAN_POSTGRES_DIR, version, 'bin')).find(hasBoth);
  if (debian) return debian;
  const initdb = findExecutable('initdb');
  return initdb && hasBoth(dirname(initdb)) ? dirname(initdb) : undefined;
}
