import { randomBytes } from 'node:crypto';
import { ensurePostgres } from '@exchange/localstack';
import pg from 'pg';
import { migrateEngineDatabase } from '../../src/runtime/journal/index.js';

/** A migrated database of its own for one test file, dropped by `drop()`. */
export interface JournalDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates `engine_test_<random>` on the local PostgreSQL and applies the engine migrations. */
export async function createJournalDatabase(): Promise<JournalDatabase> {
  const server = await ensurePostgres();
  const name = `engine_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(server.url, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(server.url, name);
  await migrateEngineDatabase(url);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: withDatabase(server.url, 'postgres') });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      await server.stop();
    },
  };
}
