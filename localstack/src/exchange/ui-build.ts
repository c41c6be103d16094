/**
 * The UI's static export (`frontend/out`), built with `next build` when missing or older
 * than its sources, so `npm start` always serves the UI the tree describes.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest modification time (ms) of the files under `path`, skipping build output. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'out' || entry === '.next' || entry === 'test') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Runs `next build` in `frontend/` when `frontend/out` is missing or older than the UI's sources. */
export async function buildUiIfStale(root: string, log: (line: string) => void): Promise<void> {
  const frontend = join(root, 'frontend');
  const built = join(frontend, 'out', 'index.html');
  const sources = Math.max(
    newestMtime(join(frontend, 'src')),
    newestMtime(join(frontend, 'public')),
    newestMtime(join(frontend, 'next.config.ts')),
    newestMtime(join(frontend, 'package.json')),
    newestMtime(join(root, 'protocol', 'src')),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  log('building the UI (next build)…');
  const next = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const child = spawn(process.execPath, [next, 'build', '--webpack'], {
    cwd: frontend,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`next build failed (${code}):\n${output.join('').slice(-4000)}`);
  log('UI built');
}
