/**
 * Where the repository is. Found from the working directory upwards (the CDK CLI runs
 * the app from the directory of `cdk.json`, Jest from the root) because Jest runs these
 * sources as CommonJS, where `import.meta.url` does not exist.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package-lock.json')) && existsSync(join(dir, 'infra', 'lib'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root (package-lock.json, infra/) above ${from}`);
  }
}

/** The repository root: NodejsFunction's `projectRoot` and the engine image's build context. */
export const REPO_ROOT = findRepoRoot(process.cwd());

/** The one lock file of the npm workspaces. */
export const LOCK_FILE = join(REPO_ROOT, 'package-lock.json');

/** `functions/src`, where the route tables' handler modules live. */
export const FUNCTIONS_SRC = join(REPO_ROOT, 'functions', 'src');
