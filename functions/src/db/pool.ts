/**
 * The one PostgreSQL pool of a function instance, created on first use and kept
 * across invocations (Lambda reuses the process between events). Connecting gives up
 * after {@link CONNECT_TIMEOUT_MS}, so a request fails fast (503, see
 * `dependency-errors.ts`) when the database cannot be reached; the next query
 * connects afresh. A statement runs at most {@link STATEMENT_TIMEOUT_MS} on the server
 * (`statement_timeout`): a burst of slow history queries cannot hold the database's
 * connections and CPU from the engine; the one cut off answers 503.
 */
import { DEFAULT_DATABASE_URL } from '@exchange/protocol';
import pg from 'pg';

/** How long a query waits for a new connection before failing. */
export const CONNECT_TIMEOUT_MS = 2000;
/** How long one statement may run before the server cancels it (`PG_STATEMENT_TIMEOUT_MS`). */
export const STATEMENT_TIMEOUT_MS = 5000;

let shared: pg.Pool | undefined;

/**
 * The shared pool on `DATABASE_URL` (max `PG_POOL_MAX`, default 4; statements cut off
 * after `PG_STATEMENT_TIMEOUT_MS`, default {@link STATEMENT_TIMEOUT_MS}).
 */
export function database(): pg.Pool {
  if (shared === undefined) {
    shared = new pg.Pool({
      connectionString: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
      max: Number(process.env.PG_POOL_MAX || 4),
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: Number(process.env.PG_STATEMENT_TIMEOUT_MS || STATEMENT_TIMEOUT_MS),
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    shared.on('error', () => {});
  }
  return shared;
}

/** Ends the shared pool (tests, and the local orchestrator on shutdown). */
export async function closeDatabase(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.end();
}
