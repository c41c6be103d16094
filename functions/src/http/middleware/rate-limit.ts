/**
 * Rate limits on the shared Redis, with `rate-limiter-flexible`: every request counts
 * against its source IP, every signed request also against its API key (after
 * authentication, so nobody can spend another key's budget with forged requests).
 * Over the limit: 429 (-1003) with `Retry-After` in whole seconds.
 *
 * Windows are fixed (a window starts with its first request). Defaults are sized for a
 * market-maker bot and a load test at 5,000 requests/s from one IP; all come from the
 * environment, read once per process:
 *
 * | variable                        | default  |
 * | ------------------------------- | -------- |
 * | `RATE_LIMIT_ENABLED`            | `true`   |
 * | `RATE_LIMIT_IP_POINTS`          | `100000` |
 * | `RATE_LIMIT_IP_WINDOW_SECONDS`  | `10`     |
 * | `RATE_LIMIT_KEY_POINTS`         | `60000`  |
 * | `RATE_LIMIT_KEY_WINDOW_SECONDS` | `10`     |
 *
 * When Redis fails a command (ioredis queues commands while it connects, then gives up
 * after its retries) each process falls back to the same limits in its own memory
 * (`insuranceLimiter`) rather than failing requests; once a client is over its
 * limit it is refused from memory until the window ends, without a Redis round trip.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { keys, redis } from '../../db/redis.js';
import type { ApiMiddleware } from '../api-context.js';
import { ApiError } from '../api-error.js';
import { logger } from '../logger.js';

/** The limits in force. */
export interface RateLimitSettings {
  readonly enabled: boolean;
  readonly ipPoints: number;
  readonly ipWindowSeconds: number;
  readonly keyPoints: number;
  readonly keyWindowSeconds: number;
}

/** The limits when the environment sets none: 10,000 req/s per IP and 6,000 req/s per key on average. */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  enabled: true,
  ipPoints: 100_000,
  ipWindowSeconds: 10,
  keyPoints: 60_000,
  keyWindowSeconds: 10,
};

/**
 * The limits from the environment (table above).
 * @throws Error when a variable is set to something other than a positive integer (or `true`/`false`)
 */
export function rateLimitSettings(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  const enabled = env.RATE_LIMIT_ENABLED?.trim().toLowerCase();
  if (enabled !== undefined && enabled !== '' && enabled !== 'true' && enabled !== 'false') {
    throw new Error(`RATE_LIMIT_ENABLED must be "true" or "false", not "${env.RATE_LIMIT_ENABLED}"`);
  }
  const positive = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new Error(`${name} must be a positive integer, not "${raw}"`);
    return value;
  };
  return {
    enabled: enabled !== 'false',
    ipPoints: positive('RATE_LIMIT_IP_POINTS', DEFAULT_RATE_LIMITS.ipPoints),
    ipWindowSeconds: positive('RATE_LIMIT_IP_WINDOW_SECONDS', DEFAULT_RATE_LIMITS.ipWindowSeconds),
    keyPoints: positive('RATE_LIMIT_KEY_POINTS', DEFAULT_RATE_LIMITS.keyPoints),
    keyWindowSeconds: positive('RATE_LIMIT_KEY_WINDOW_SECONDS', DEFAULT_RATE_LIMITS.keyWindowSeconds),
  };
}

/** Which budget a request is counted against. */
export type RateLimitScope = 'ip' | 'key';

interface Limiter {
  readonly limiter: RateLimiterRedis;
  /** Binance's wording of the limit, for -1003: `100000 request weight per 10 SECOND`. */
  readonly description: string;
}

let limiters: Partial<Record<RateLimitScope, Limiter | null>> | undefined;
let settings: RateLimitSettings | undefined;

function limiterFor(scope: RateLimitScope): Limiter | null {
  settings ??= rateLimitSettings();
  limiters ??= {};
  const existing = limiters[scope];
  if (existing !== undefined) return existing;
  if (!settings.enabled) {
    limiters[scope] = null;
    return null;
  }
  const points = scope === 'ip' ? settings.ipPoints : settings.keyPoints;
  const duration = scope === 'ip' ? settings.ipWindowSeconds : settings.keyWindowSeconds;
  const keyPrefix = `${keys().prefix}rl:${scope}`;
  const limiter: Limiter = {
    limiter: new RateLimiterRedis({
      storeClient: redis(),
      keyPrefix,
      points,
      duration,
      inMemoryBlockOnConsumed: points + 1,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    }),
    description: `${points} request weight per ${duration} SECOND`,
  };
  limiters[scope] = limiter;
  return limiter;
}

/**
 * The middleware: counts `weight` against the request's IP (`scope: 'ip'`, use it on
 * every endpoint) or its authenticated API key (`scope: 'key'`, after `authenticate`).
 */
export function rateLimit(scope: RateLimitScope, weight = 1): ApiMiddleware {
  return {
    name: `rate-limit-${scope}`,
    before: async (request) => {
      const id =
        scope === 'ip' ? request.event.requestContext.http.sourceIp : request.context.api?.caller?.apiKey;
      if (id === undefined || id === '') return;
      const limit = limiterFor(scope);
      if (limit === null) return;
      try {
        await limit.limiter.consume(id, weight);
      } catch (outcome) {
        if (!(outcome instanceof RateLimiterRes)) {
          // Both Redis and the in-memory fallback failed: let the request through rather than fail it.
          logger().warn({ err: outcome, scope }, 'rate limiter unavailable');
          return;
        }
        throw new ApiError(
          'TOO_MANY_REQUESTS',
          { limit: limit.description },
          { retryAfterSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)) },
        );
      }
    },
  };
}
