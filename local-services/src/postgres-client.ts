/** One-shot PostgreSQL checks: `select 1`, and creating the database a URL names. */
import pg from 'pg';
import { databaseOf, withDatabase } from './service-url.js';

/** SQLSTATE for "database … does not exist". */
const INVALID_CATALOG_NAME = '3D000';
/** SQLSTATE for "database … already exists" (someone created it at the same time). */
const DUPLICATE_DATABASE = '42P04';

async function withClient<T>(
  url: string,
  timeoutMs: number,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  // A server shutting down mid-probe emits 'error' on the client; the awaited call reports it.
  client.on('error', () => {});
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Runs `select 1` on `url`.
 *
 * @throws when the server does not answer within `timeoutMs` or the query fails.
 */
export async function selectOne(url: string, timeoutMs: number): Promise<void> {
  await withClient(url, timeoutMs, (client) => client.query('select 1'));
}

/**
 * Runs `select 1` on `url`, first creating its database when the server answers
 * that it does not exist (a fresh server has only `postgres` and the templates).
 *
 * @returns `true` when this call created the database.
 */
export async function selectOneCreatingDatabase(url: string, timeoutMs: number): Promise<boolean> {
  try {
    await selectOne(url, timeoutMs);
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_CATALOG_NAME) throw error;
  }
  const name = databaseOf(url);
  await withClient(withDatabase(url, 'postgres'), timeoutMs, async (client) => {
    try {
      await client.query(`create database "${name.replaceAll('"', '""')}"`);
    } catch (error) {
      if ((error as { code?: string }).code !== DUPLICATE_DATABASE) throw error;
    }
  });
  await selectOne(url, timeoutMs);
  return true;
}
