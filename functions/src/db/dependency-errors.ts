/**
 * Which failures mean "a dependency is down" — Redis, PostgreSQL, SQS, or the engine's
 * read models missing after Redis lost its data — as opposed to bugs. The REST shell
 * answers the first kind 503 `SERVICE_UNAVAILABLE` with `Retry-After` (the client
 * should try again; nothing is wrong with its request) and the second kind 500.
 *
 * One place, so every client library's way of saying "unreachable" is known here:
 *
 * - ioredis: `MaxRetriesPerRequestError` (the command waited through its reconnect
 *   attempts), `Connection is closed.`, `Stream isn't writeable…`, `Command timed out`,
 *   and the server's `LOADING`, `MASTERDOWN`, `READONLY`, `TRYAGAIN`, `CLUSTERDOWN`;
 * - pg: socket errors (`ECONNREFUSED`, `ECONNRESET`, …), `Connection terminated…`,
 *   the pool's connect timeout, and SQLSTATE class 08 (connection exception), 57P01–
 *   57P03 (shutdown, crash, cannot connect now), 53300 (too many connections) and
 *   57014 (a statement cancelled: the pools' `statement_timeout`, the database too busy
 *   for this query now);
 * - `@exchange/sqs-client`: `SqsCallError` with no answer (`statusCode` 0) or still
 *   throttled or failing (5xx) after its retries;
 * - {@link DependencyUnavailableError}, thrown by our own code (a read model absent
 *   while the engine has not rebuilt them).
 *
 * The chain of `cause`s and an `AggregateError`'s `errors` are searched too.
 */
import { SqsCallError } from '@exchange/sqs-client';

/** A dependency cannot answer now; the request may succeed when retried. */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  constructor(
    /** What is unavailable: `redis`, `postgres`, `sqs`, `read-models`. */
    readonly dependency: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${dependency}: ${message}`, options);
  }
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '57014']);
const REDIS_UNAVAILABLE_REPLIES = /^(LOADING|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|BUSY)\b/;
const UNAVAILABLE_MESSAGES = [
  'Connection is closed.',
  "Stream isn't writeable",
  'Command timed out',
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
];

/**
 * True when `error` (or what caused it) says a dependency is unreachable or refusing
 * work for now, rather than that our code or the request is wrong.
 *
 * @example
 * isDependencyFailure(new Error('Connection is closed.'));              // true (ioredis)
 * isDependencyFailure(Object.assign(new Error('x'), { code: '57P01' })); // true (pg: admin shutdown)
 * isDependencyFailure(new TypeError('undefined is not a function'));      // false: a bug
 */
export function isDependencyFailure(error: unknown, depth = 0): boolean {
  // Duck-typed, not `instanceof Error`: client libraries may build errors in another realm.
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  if (error instanceof DependencyUnavailableError) return true;
  if (error instanceof SqsCallError) return error.statusCode === 0 || error.retryable;
  const { name, code, message, errors, cause } = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (name === 'MaxRetriesPerRequestError') return true;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || POSTGRES_UNAVAILABLE.has(code)) return true;
    if (code.length === 5 && code.startsWith('08')) return true;
  }
  if (typeof message === 'string') {
    if (name === 'ReplyError' && REDIS_UNAVAILABLE_REPLIES.test(message)) return true;
    if (UNAVAILABLE_MESSAGES.some((text) => message.startsWith(text))) return true;
  }
  if (Array.isArray(errors) && errors.some((e) => isDependencyFailure(e, depth + 1))) return true;
  return isDependencyFailure(cause, depth + 1);
}
