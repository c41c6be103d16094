/**
 * The one Redis connection of a function instance, created on first use and kept
 * across invocations, and the key names it reads (the engine's read models).
 *
 * A request must fail fast when Redis is down, well within API Gateway's 29 s: a
 * command waits through at most one reconnect attempt (`maxRetriesPerRequest: 1`,
 * attempts at most {@link RECONNECT_MAX_DELAY_MS} apart, each given
 * {@link CONNECT_TIMEOUT_MS}) and at most {@link COMMAND_TIMEOUT_MS} for an answer, then
 * is refused — the REST shell answers 503 (`dependency-errors.ts`). The client keeps
 * reconnecting by itself, so the instance serves again as soon as Redis is back.
 */
import { DEFAULT_REDIS_URL, type RedisKeys, redisKeys } from '@exchange/protocol';
import { Redis, type RedisOptions } from 'ioredis';

/** How long one connection attempt may take. */
export const CONNECT_TIMEOUT_MS = 1000;
/** The longest pause between reconnect attempts. */
export const RECONNECT_MAX_DELAY_MS = 500;
/** How long a command may wait for its answer on a live connection. */
export const COMMAND_TIMEOUT_MS = 2000;

/**
 * The options of every Redis connection of the functions (see the module comment).
 * `commandTimeout` is left out for subscriber connections, whose `SUBSCRIBE` stays open.
 * `REDIS_AUTH_TOKEN`, when set, is the password (ElastiCache's AUTH token, from Secrets
 * Manager); otherwise a password in `REDIS_URL` (the local stack's) is used.
 */
export function redisOptions(forSubscriber = false, env: NodeJS.ProcessEnv = process.env): RedisOptions {
  return {
    ...(env.REDIS_AUTH_TOKEN ? { password: env.REDIS_AUTH_TOKEN } : {}),
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 50, RECONNECT_MAX_DELAY_MS),
    ...(forSubscriber ? {} : { commandTimeout: COMMAND_TIMEOUT_MS }),
  };
}

let shared: Redis | undefined;
let cachedKeys: RedisKeys | undefined;

/** The shared connection on `REDIS_URL`. */
export function redis(): Redis {
  if (shared === undefined) {
    shared = new Redis(process.env.REDIS_URL || DEFAULT_REDIS_URL, redisOptions());
    // Failures reach the commands that hit them; the connection event itself is no news.
    shared.on('error', () => {});
  }
  return shared;
}

/**
 * True while `client` has lost its connection and is waiting to reconnect: a request
 * that cannot do without Redis fails at once (503) instead of waiting for the next
 * attempt.
 */
export function redisDown(client: Redis): boolean {
  const status = client.status;
  return status === 'reconnecting' || status === 'close' || status === 'end';
}

/** Key names under `REDIS_PREFIX` (empty by default), the same prefix the engine writes under. */
export function keys(): RedisKeys {
  const prefix = process.env.REDIS_PREFIX ?? '';
  if (cachedKeys?.prefix !== prefix) cachedKeys = redisKeys(prefix);
  return cachedKeys;
}

/** Closes the shared connection (tests, and the local orchestrator on shutdown). */
export async function closeRedis(): Promise<void> {
  const client = shared;
  shared = undefined;
  await client?.quit().catch(() => client.disconnect());
}
