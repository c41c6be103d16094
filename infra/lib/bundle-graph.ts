/**
 * Which source files a handler module's bundle contains, from esbuild's metafile (a
 * bundle in memory, nothing written). The API stack grants `sqs:SendMessage` on
 * `orders.fifo` only to the functions whose code can reach the queue client, and each
 * secret only to the functions whose code reads it, so permissions follow the code
 * rather than a hand-kept list.
 */
import { join, relative } from 'node:path';
import { buildSync } from 'esbuild';
import { EXTERNAL_MODULES } from './constructs/exchange-function.js';
import { FUNCTIONS_SRC, REPO_ROOT } from './paths.js';

/** The one module that sends to `orders.fifo` (`enqueueCommand`). */
export const ORDERS_QUEUE_CLIENT = 'functions/src/engine-client/orders-queue.ts';

/** The module that closes WebSocket connections through `@connections` (revoking a key). */
export const DROP_CONNECTIONS_MODULE = 'functions/src/ws/drop-connections.ts';

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

/** The one module that reads each secret variable of the functions. */
export const SECRET_READERS: Readonly<Record<string, string>> = {
  DATABASE_URL: 'functions/src/db/pool.ts',
  API_SECRET_KEY: 'functions/src/accounts/secret-box.ts',
  REDIS_AUTH_TOKEN: 'functions/src/db/redis.ts',
};

/**
 * Of `secrets` (by variable), those the handler module's code reads.
 * @throws Error for a variable no entry of {@link SECRET_READERS} names
 */
export function secretsReadBy<S>(
  handlerModule: string,
  secrets: Readonly<Record<string, S>>,
): Record<string, S> {
  const files = bundledFiles(handlerModule);
  return Object.fromEntries(
    Object.entries(secrets).filter(([name]) => {
      const reader = SECRET_READERS[name];
      if (reader === undefined) throw new Error(`no reader of ${name} in SECRET_READERS`);
      return files.has(reader);
    }),
  );
}

/** Whether the handler module can send commands to the engine. */
export function sendsCommands(handlerModule: string): boolean {
  return bundledFiles(handlerModule).has(ORDERS_QUEUE_CLIENT);
}

/** Whether the handler module can close WebSocket connections (`WS_MANAGEMENT_ENDPOINT`). */
export function dropsConnections(handlerModule: string): boolean {
  return bundledFiles(handlerModule).has(DROP_CONNECTIONS_MODULE);
}

/** Whether the handler module's code can query PostgreSQL (it reads `DATABASE_URL`). */
export function queriesDatabase(handlerModule: string): boolean {
  return bundledFiles(handlerModule).has(SECRET_READERS.DATABASE_URL as string);
}
