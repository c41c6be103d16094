/**
 * The per-IP rate limit of public endpoints: one Redis round trip (`admitIp` in
 * `../admission.ts`). Over the limit: 429 (-1003) with `Retry-After` in whole seconds.
 * Signed endpoints count their IP inside `admit.ts` instead, in the same round trip as
 * the replay check and the key's limit.
 *
 * When Redis is down, the limit is kept in this process's memory ({@link spendIp}), so
 * public endpoints that need no Redis keep serving; the ones that read Redis answer 503.
 */

import { isDependencyFailure } from '../../db/dependency-errors.js';
import { keys, redis, redisDown } from '../../db/redis.js';
import { admitIp } from '../admission.js';
import type { ApiMiddleware } from '../api-context.js';
import { ApiError } from '../api-error.js';
import { logger } from '../logger.js';
import { MemoryWindows } from '../memory-windows.js';
import { limitDescription, type RateLimitScope, rateLimits } from '../rate-limit-settings.js';

/** How often a process says it is counting in memory, at most. */
const FALLBACK_WARNING_EVERY_MS = 10_000;

const memory = new MemoryWindows();
let lastWarning = 0;

/** The Redis key of an IP's window. */
export function ipWindowKey(ip: string): string {
  return `${keys().prefix}rl:ip:${ip}`;
}

/** The Redis key of an API key's window. */
export function keyWindowKey(apiKey: string): string {
  return `${keys().prefix}rl:key:${apiKey}`;
}

/** The 429 for a spent budget. */
export function tooManyRequests(scope: RateLimitScope, retryAfterMs: number): ApiError {
  return new ApiError(
    'TOO_MANY_REQUESTS',
    { limit: limitDescription(rateLimits(), scope) },
    { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) },
  );
}

/**
 * Counts `weight` against `ip`: in Redis, or in memory while Redis is down.
 * @returns ms until the IP's window ends when it is over its limit, else -1
 */
export async function spendIp(ip: string, weight: number): Promise<number> {
  const settings = rateLimits();
  const points = settings.ipPoints;
  const windowMs = settings.ipWindowSeconds * 1000;
  const key = ipWindowKey(ip);
  const client = redis();
  if (!redisDown(client)) {
    try {
      const admission = await admitIp(client, { key, points, windowMs }, weight);
      return admission.admitted ? -1 : admission.retryAfterMs;
    } catch (error) {
      if (!isDependencyFailure(error)) throw error;
    }
  }
  const now = Date.now();
  if (now - lastWarning >= FALLBACK_WARNING_EVERY_MS) {
    lastWarning = now;
    logger().warn('Redis is unavailable: IP rate limits are counted in this instance only');
  }
  return memory.spend(key, weight, points, windowMs);
}

/** The middleware of public endpoints: counts `weight` (default 1) against the source IP. */
export function rateLimitIp(weight = 1): ApiMiddleware {
  return {
    name: 'rate-limit-ip',
    before: async (request) => {
      if (!rateLimits().enabled) return;
      const ip = request.event.requestContext.http.sourceIp;
      if (ip === undefined || ip === '') return;
      const retryAfterMs = await spendIp(ip, weight);
      if (retryAfterMs >= 0) throw tooManyRequests('ip', retryAfterMs);
    },
  };
}
