/** Small rewrites of `redis://` and `postgres://` URLs. */

/**
 * The URL of a server we start ourselves on `port`: same scheme, user and path
 * (Redis db index, PostgreSQL database), but loopback, no password (our servers
 * have none) and no query (e.g. an `sslmode` our server would not offer).
 *
 * @example
 * localUrl('postgres://app:secret@db.example:5432/exchange?sslmode=require', 54321);
 * // 'postgres://app@127.0.0.1:54321/exchange'
 */
export function localUrl(requested: string, port: number): string {
  const url = new URL(requested);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  url.password = '';
  url.search = '';
  return url.toString();
}

/** The same server with another database, e.g. `postgres` to create the one we want. */
export function withDatabase(postgresUrl: string, database: string): string {
  const url = new URL(postgresUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** The database a PostgreSQL URL names; like libpq, the user's name when the path is empty. */
export function databaseOf(postgresUrl: string): string {
  const url = new URL(postgresUrl);
  return decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username) || 'postgres';
}

/** The user a PostgreSQL URL names, `postgres` when none. */
export function userOf(postgresUrl: string): string {
  return decodeURIComponent(new URL(postgresUrl).username) || 'postgres';
}

/** The URL with its password masked, for log lines. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}
