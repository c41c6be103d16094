/**
 * Where project-local data lives. Found from the working directory rather than from
 * this file's location, because Jest runs the sources as CommonJS (no `import.meta`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The npm workspaces root above the working directory (the nearest `package.json`
 * with `workspaces`), or the working directory when there is none.
 */
export function projectRoot(from: string = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in JSON.parse(readFileSync(manifest, 'utf8'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/**
 * The git-ignored folder for one service's data, e.g. `<project>/.local/postgres`.
 *
 * @example
 * localDataDir('redis'); // '/work/main/.local/redis'
 */
export function localDataDir(service: string): string {
  return join(projectRoot(), '.local', service);
}
