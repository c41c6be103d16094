/**
 * The database roles, one per component, and the connection URL each component uses.
 * The roles and their grants are made by the migration `1764100000008_database-roles.sql`
 * (run as the admin); this file names them for the code that connects: the local stack
 * (one URL per process) and the CDK app (one Secrets Manager secret per role, whose
 * password the migrator sets with {@link setDatabaseRolePasswords}).
 */
import pg from 'pg';

/** Each component's PostgreSQL role. */
export const DATABASE_ROLES = {
  /** The engine service: owns and alone writes the journal, fence and snapshots. */
  engine: 'exchange_engine',
  /** The DB processor: writes trades, orders, balances, withdrawals, klines. */
  dbProcessor: 'exchange_db_processor',
  /** The REST and WebSocket functions: read those; write accounts, keys, withdrawal requests. */
  api: 'exchange_api',
  /** The withdrawal settlement: withdrawal requests, and reads the journal. */
  settlement: 'exchange_settlement',
  /** The WebSocket fan-out: reads klines. */
  fanout: 'exchange_fanout',
} as const;

export type DatabaseComponent = keyof typeof DATABASE_ROLES;
export type DatabaseRole = (typeof DATABASE_ROLES)[DatabaseComponent];

/**
 * `databaseUrl` (the admin's) with `role` as its user and `password` (none: the local
 * servers trust loopback). Host, database and query (`sslmode`) are kept.
 *
 * @example
 * roleDatabaseUrl('postgres://postgres@127.0.0.1:5432/exchange', DATABASE_ROLES.api);
 * // 'postgres://exchange_api@127.0.0.1:5432/exchange'
 */
export function roleDatabaseUrl(databaseUrl: string, role: DatabaseRole, password = ''): string {
  const url = new URL(databaseUrl);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  return url.toString();
}

/** A URL per component, from the admin's (see {@link roleDatabaseUrl}). */
export function componentDatabaseUrls(databaseUrl: string): Record<DatabaseComponent, string> {
  const entries = Object.entries(DATABASE_ROLES).map(([component, role]) => [
    component,
    roleDatabaseUrl(databaseUrl, role),
  ]);
  return Object.fromEntries(entries) as Record<DatabaseComponent, string>;
}

/**
 * Sets the password of each named role, as the admin at `databaseUrl` (after the
 * migrations made the roles). The password travels as a literal, so the server quotes
 * it (`format('%L')`); it is never logged.
 *
 * @example
 * await setDatabaseRolePasswords(adminUrl, { exchange_api: apiSecret.password });
 */
export async function setDatabaseRolePasswords(
  databaseUrl: string,
  passwords: Readonly<Partial<Record<DatabaseRole, string>>>,
): Promise<void> {
  const known = new Set<string>(Object.values(DATABASE_ROLES));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const [role, password] of Object.entries(passwords)) {
      if (!known.has(role)) throw new Error(`not a database role of the exchange: ${role}`);
      if (!password) throw new Error(`no password for ${role}`);
      const { rows } = await client.query<{ sql: string }>(
        "SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text) AS sql",
        [role, password],
      );
      await client.query((rows[0] as { sql: string }).sql);
    }
  } finally {
    await client.end();
  }
}
