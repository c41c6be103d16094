/**
 * Which source files a handler module's bundle contains, from esbuild's metafile (a
 * bundle in memory, nothing written). The API stack grants `sqs:SendMessage` on
 * `orders.fifo` only to the functions whose code can reach the queue client, so the
 * permission follows the code rather than a hand-kept list.
 */
import { join, relative } from 'node:path';
import { buildSync } from 'esbuild';
import { EXTERNAL_MODULES } from './constructs/exchange-function.js';
import { FUNCTIONS_SRC, REPO_ROOT } from './paths.js';

/** The one module that sends to `orders.fifo` (`enqueueCommand`). */
export const ORDERS_QUEUE_CLIENT = 'functions/src/engine-client/orders-queue.ts';

const cache = new Map<string, ReadonlySet<string>>();

/** Repository-relative paths of every file bundled for `functions/src/<handlerModule>.ts`. */
export function bundledFiles(handlerModule: string): ReadonlySet<string> {
  const cached = cache.get(handlerModule);
  if (cached) return cached;
  const result = buildSync({
    entryPoints: [join(FUNCTIONS_SRC, `${handlerModule}.ts`)],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    write: false,
    metafile: true,
    outfile: 'out.mjs',
    external: [...EXTERNAL_MODULES],
    logLevel: 'error',
  });
  const files = new Set(
    Object.keys(result.metafile.inputs).map((f) => relative(REPO_ROOT, join(REPO_ROOT, f))),
  );
  cache.set(handlerModule, files);
  return files;
}

/** Whether the handler module can send commands to the engine. */
export function sendsCommands(handlerModule: string): boolean {
  return bundledFiles(handlerModule).has(ORDERS_QUEUE_CLIENT);
}
