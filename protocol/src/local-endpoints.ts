/**
 * Where the services are on a developer's machine: what every process uses when its
 * `REDIS_URL`, `DATABASE_URL` or `SQS_ENDPOINT` is unset. The local cloud starts its
 * own servers elsewhere when these do not answer and passes their URLs on explicitly;
 * in AWS every process is given its URLs.
 */

/** The machine's Redis. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The machine's PostgreSQL, database `exchange`, user `postgres` (trust auth). */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/exchange';

/** fauxqs on LocalStack's port, so SDK configurations written for LocalStack work unchanged. */
export const DEFAULT_SQS_ENDPOINT = 'http://127.0.0.1:4566';
