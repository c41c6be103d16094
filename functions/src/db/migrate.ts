import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runner } from 'node-pg-migrate';

/** The functions' own migrations table, beside the engine's `engine_migrations` in the same database. */
export const FUNCTIONS_MIGRATIONS_TABLE = 'functions_migrations';

/**
 * Applies every pending migration of `functions/migrations` (accounts, API keys,
 * trades, orders, balance changes, klines) to the database at `databaseUrl`, under
 * node-pg-migrate's advisory lock (a second migrator waits).
 * @returns the names of the migrations applied now
 *
 * @example
 * await migrateFunctionsDatabase(process.env.DATABASE_URL);
 */
export async function migrateFunctionsDatabase(
  databaseUrl: string,
  options: { readonly dir?: string; readonly log?: (message: string) => void } = {},
): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: options.dir ?? functionsMigrationsDir(),
    migrationsTable: FUNCTIONS_MIGRATIONS_TABLE,
    direction: 'up',
    checkOrder: true,
    advisoryLockMode: 'wait',
    log: options.log ?? (() => {}),
  });
  return applied.map((m) => m.name);
}

/**
 * `functions/migrations`, looked up from the working directory upwards (Jest runs
 * sources as CommonJS, so this file cannot use its own location). A bundle that ships
 * the folder elsewhere passes `dir`.
 * @throws Error when no such folder is found
 */
export function functionsMigrationsDir(from: string = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'functions', 'migrations'), join(dir, 'migrations')]) {
      if (existsSync(candidate) && existsSync(join(candidate, '..', 'src', 'db', 'migrate.ts'))) {
        return candidate;
      }
    }
    if (dirname(dir) === dir) throw new Error(`no functions/migrations above ${from}`);
  }
}
