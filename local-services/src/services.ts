/** Both servers the exchange needs, ensured together. */
import { ensurePostgres } from './postgres.js';
import { ensureRedis } from './redis.js';
import type { EnsureServiceOptions, RunningService } from './running-service.js';

/** Options for both services; `redis` and `postgres` override the shared ones for one service. */
export interface EnsureServicesOptions extends Omit<EnsureServiceOptions, 'url' | 'dataDir'> {
  readonly redis?: EnsureServiceOptions;
  readonly postgres?: EnsureServiceOptions;
}

/** Redis and PostgreSQL, each described as by `ensureRedis` / `ensurePostgres`. */
export interface Services {
  readonly redis: RunningService;
  readonly postgres: RunningService;
  /** Stops whichever of the two this call started. */
  stop(): Promise<void>;
}

/**
 * Ensures Redis, then PostgreSQL. One after the other, not in parallel, because
 * both may need apt-get, which takes a lock. If PostgreSQL fails, a Redis started
 * here is stopped again before the error is passed on.
 *
 * @example
 * const services = await ensureServices();
 * process.env.REDIS_URL = services.redis.url;
 * process.env.DATABASE_URL = services.postgres.url;
 */
export async function ensureServices(options: EnsureServicesOptions = {}): Promise<Services> {
  const { redis: redisOptions, postgres: postgresOptions, ...shared } = options;
  const redis = await ensureRedis({ ...shared, ...redisOptions });
  let postgres: RunningService;
  try {
    postgres = await ensurePostgres({ ...shared, ...postgresOptions });
  } catch (error) {
    await redis.stop();
    throw error;
  }
  return {
    redis,
    postgres,
    stop: async () => {
      await Promise.all([redis.stop(), postgres.stop()]);
    },
  };
}
