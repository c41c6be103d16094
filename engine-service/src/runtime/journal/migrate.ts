import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runner } from 'node-pg-migrate';

/** The engine's own migrations table, so other services' migrations can share the database. */
export const ENGINE_MIGRATIONS_TABLE = 'engine_migrations';

export interface MigrateOptions {
  /** Folder of the SQL migrations. Default: `engine-service/migrations`, found from the working directory. */
  readonly dir?: string;
  /** Where progress lines go. Default: nowhere. */
  readonly log?: (message: string) => void;
}

/**
 * Applies every pending engine migration (journal and snapshot tables) to the
 * database at `databaseUrl`, in one transaction, under node-pg-migrate's advisory
 * lock (a second migrator waits).
 * @returns the names of the migrations applied now
 *
 * @example
 * await migrateEngineDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
 */
export async function migrateEngineDatabase(
  databaseUrl: string,
  options: MigrateOptions = {},
): Promise<string[]> {
  const log = options.log ?? (() => {});
  const applied = await runner({
    databaseUrl,
    dir: options.dir ?? engineMigrationsDir(),
    migrationsTable: ENGINE_MIGRATIONS_TABLE,
    direction: 'up',
    checkOrder: true,
    advisoryLockMode: 'wait',
    log,
  });
  return applied.map((m) => m.name);
}

/**
 * `engine-service/migrations`, looked up from the working directory upwards (Jest
 * runs sources as CommonJS, so this file cannot use its own location).
 * @throws Error when no such folder is found
 */
export function engineMigrationsDir(from: string = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const nested = join(dir, 'engine-service', 'migrations');
    if (existsSync(nested)) return nested;
    const manifest = join(dir, 'package.json');
    if (
      existsSync(join(dir, 'migrations')) &&
      existsSync(manifest) &&
      JSON.parse(readFileSync(manifest, 'utf8')).name === '@exchange/engine-service'
    ) {
      return join(dir, 'migrations');
    }
    if (dirname(dir) === dir) throw new Error(`no engine-service/migrations above ${from}`);
  }
}
