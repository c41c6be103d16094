/** Redis for the local cloud: the configured one, or a `redis-server` we start. */
import { join } from 'node:path';
import { findRedisServer } from './binaries.js';
import { startChildServer } from './child-server.js';
import { ensureService, type ServiceSpec } from './ensure-service.js';
import { findFreePort } from './free-port.js';
import { pingRedis } from './redis-client.js';
import type { EnsureServiceOptions, RunningService } from './running-service.js';
import { localUrl } from './service-url.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * `redis-server`'s arguments for a local server on `port` with its files in `dir`:
 * read models and pub/sub only, so nothing to persist (no RDB or AOF files), as an
 * ElastiCache node that fails over to an empty one.
 */
export function redisServerArgs(port: number, dir: string): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
}

const redis: ServiceSpec = {
  service: 'redis',
  envVar: 'REDIS_URL',
  defaultUrl: DEFAULT_REDIS_URL,
  binary: 'redis-server',
  aptPackages: ['redis-server'],
  installAdvice: 'apt-get install redis-server (Debian/Ubuntu, as root) or brew install redis (macOS)',
  probe: (url, timeoutMs) => pingRedis(url, timeoutMs),
  findBinaries: findRedisServer,
  async start(binary, requestedUrl, { dataDir, detached }) {
    const port = await findFreePort();
    const url = localUrl(requestedUrl, port);
    return startChildServer({
      name: 'redis-server',
      command: binary,
      args: redisServerArgs(port, dataDir),
      dataDir,
      logFile: join(dataDir, 'redis.log'),
      url,
      detached,
      stopSignal: 'SIGTERM',
      probe: () => pingRedis(url, 500),
      readyTimeoutMs: 10_000,
    });
  },
};

/**
 * Makes Redis available: `REDIS_URL` (default `redis://127.0.0.1:6379`) if it answers
 * PING, else a `redis-server` started on a free port with its files in `.local/redis`.
 * See `ensure-service.ts` for the full decision order.
 *
 * @example
 * const redis = await ensureRedis();
 * const client = new Redis(redis.url);
 * // …
 * await redis.stop(); // only stops a server this call started
 */
export function ensureRedis(options: EnsureServiceOptions = {}): Promise<RunningService> {
  return ensureService(redis, options);
}
