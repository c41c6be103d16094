/**
 * Throw-away databases for tests and benchmarks: `CREATE DATABASE <prefix>_<random>` on
 * the local PostgreSQL (started when absent), migrated by the caller, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensurePostgres } from './postgres.js';
import { withDatabase } from './service-url.js';

/** A database of its own for one test file or benchmark run. */
export interface ScratchDatabase {
  readonly url: string;
  /** A small pool on {@link url}; ended by {@link drop}. */
  readonly pool: pg.Pool;
  /** Ends the pool, drops the database (closing other sessions on it) and releases the server. */
  drop(): Promise<void>;
}

export interface ScratchDatabaseOptions {
  /** Name prefix, `[a-z_]+`: the database is `<prefix>_<12 hex>`. */
  readonly prefix: string;
  /** Applies the schema the caller needs (e.g. `migrateEngineDatabase`). */
  readonly migrate?: (url: string) => Promise<unknown>;
  /** Pool size; 4 when omitted. */
  readonly poolSize?: number;
}

/**
 * Runs one statement (CREATE/DROP DATABASE) from the server's `postgres` database.
 * @param serverUrl any database URL on the server
 */
export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * @example
 * const db = await createScratchDatabase({ prefix: 'engine_test', migrate: migrateEngineDatabase });
 * afterAll(() => db.drop());
 */
export async function createScratchDatabase(options: ScratchDatabaseOptions): Promise<ScratchDatabase> {
  if (!/^[a-z_]+$/.test(options.prefix)) throw new Error(`bad database prefix: ${options.prefix}`);
  const server = await ensurePostgres();
  const name = `${options.prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(server.url, `CREATE DATABASE ${name}`);
  const url = withDatabase(server.url, name);
  await options.migrate?.(url);
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 4 });
  // An idle client whose connection the server ends (a restart, another test's FORCE
  // drop) must not crash the test process: the next query reconnects or fails itself.
  pool.on('error', () => {});
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      await adminQuery(server.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await server.stop();
    },
  };
}
