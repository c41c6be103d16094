/** Redis for the local cloud: the configured one, or a `redis-server` we start. */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_REDIS_URL } from '@exchange/protocol';
import { findRedisServer } from './binaries.js';
import { startChildServer } from './child-server.js';
import { ensureService, type ServiceSpec } from './ensure-service.js';
import { findFreePort } from './free-port.js';
import { pingRedis } from './redis-client.js';
import type { EnsureServiceOptions, RunningService } from './running-service.js';
import { localUrl } from './service-url.js';

/**
 * `redis-server`'s arguments for a local server on `port` with its files in `dir`:
 * read models and pub/sub only, so nothing to persist (no RDB or AOF files), as an
 * ElastiCache node that fails over to an empty one.
 */
export function redisServerArgs(port: number, dir: string, authConfig?: string): string[] {
  return [
    ...(authConfig === undefined ? [] : [authConfig]),
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
  ];
}

/**
 * Writes `redis-auth.conf` (mode 0600) into `dir` with `requirepass password`, and
 * returns its path for {@link redisServerArgs}: the password stays out of the process
 * list, where a command-line `--requirepass` would show it.
 */
export function writeRedisAuthConfig(dir: string, password: string): string {
  const file = join(dir, 'redis-auth.conf');
  writeFileSync(file, `requirepass ${password}\n`, { mode: 0o600 });
  return file;
}

/** A fresh password for a Redis this project starts. */
export function newRedisPassword(): string {
  return randomBytes(24).toString('hex');
}

/** `url` with `password`: `redis://:password@host:port`, as ioredis reads it. */
export function redisUrlWithPassword(url: string, password: string): string {
  const withAuth = new URL(url);
  withAuth.password = password;
  return withAuth.toString();
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
    // A Redis the project starts requires a password, as ElastiCache does with an AUTH
    // token, so the code path with AUTH runs locally too.
    const password = newRedisPassword();
    const url = redisUrlWithPassword(localUrl(requestedUrl, port), password);
    return startChildServer({
      name: 'redis-server',
      command: binary,
      args: redisServerArgs(port, dataDir, writeRedisAuthConfig(dataDir, password)),
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
 * PING, else a `redis-server` started on a free port with its files in `.local/redis`
 * and a fresh password (in the returned URL, `redis://:password@127.0.0.1:port`).
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
