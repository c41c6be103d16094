/**
 * The one Redis connection of a function instance, created on first use and kept
 * across invocations, and the key names it reads (the engine's read models).
 */
import { type RedisKeys, redisKeys } from '@exchange/protocol';
import { Redis } from 'ioredis';

/** `REDIS_URL`, or the local cloud's default. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

let shared: Redis | undefined;

/** The shared connection on `REDIS_URL`. */
export function redis(): Redis {
  if (shared === undefined) {
    shared = new Redis(process.env.REDIS_URL || DEFAULT_REDIS_URL, { maxRetriesPerRequest: 2 });
    shared.on('error', () => {});
  }
  return shared;
}

/** Key names under `REDIS_PREFIX` (empty by default), the same prefix the engine writes under. */
export function keys(): RedisKeys {
  return redisKeys(process.env.REDIS_PREFIX ?? '');
}

/** Closes the shared connection (tests, and the local orchestrator on shutdown). */
export async function closeRedis(): Promise<void> {
  const client = shared;
  shared = undefined;
  await client?.quit().catch(() => client.disconnect());
}
