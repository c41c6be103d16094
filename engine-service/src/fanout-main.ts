/**
 * The WebSocket fan-out process (a second container in the engine task, or its own
 * service; locally the orchestrator starts it). Configuration from the environment:
 *
 * | variable                 | default                                   |
 * | ------------------------ | ----------------------------------------- |
 * | `REDIS_URL`              | `redis://127.0.0.1:6379`                  |
 * | `REDIS_PREFIX`           | empty (the engine's prefix)               |
 * | `WS_MANAGEMENT_ENDPOINT` | `http://127.0.0.1:4001/local` (emulator)  |
 * | `AWS_REGION`             | `us-east-1`                               |
 * | `DATABASE_URL`           | `postgres://postgres@127.0.0.1:5432/exchange`; `none` skips candle seeding |
 * | `DEPTH_INTERVAL_MS`      | `100`                                     |
 * | `FANOUT_HEALTH_PORT`     | `4003`                                    |
 * | `FANOUT_CONCURRENCY`     | `64` posts in flight                      |
 * | `FANOUT_MAX_QUEUED`      | `1000` frames per connection, then it is dropped |
 * | `FANOUT_POST_INTERVAL_MS`| `100`: least time between posts of native frames to one connection |
 * | `FANOUT_SHARD`           | `0/1`: `i/n` serves the connections whose id hashes to shard `i` of `n` |
 *
 * Run `n` processes with `FANOUT_SHARD=0/n` … `FANOUT_SHARD=(n-1)/n` (each its own
 * `FANOUT_HEALTH_PORT`) to serve more connections than one process can: `FANOUT_SHARDS=n
 * npm start` does, and `cdk deploy -c fanoutShards=n` (see `fanout/README.md`).
 *
 * SIGTERM/SIGINT: stop reading, post what is queued, exit 0.
 */
import {
  createMarketRegistry,
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  redisKeys,
  wsKeys,
} from '@exchange/protocol';
import { pino } from 'pino';
import { env } from './env.js';
import { parseShard } from './fanout/connection-shard.js';
import { startFanout } from './fanout/fanout.js';

const logger = pino({ name: 'fanout', level: process.env.LOG_LEVEL ?? 'info' });

const prefix = env('REDIS_PREFIX', '');
const databaseUrl = env('DATABASE_URL', DEFAULT_DATABASE_URL);
const fanout = await startFanout({
  registry: createMarketRegistry(),
  redisUrl: env('REDIS_URL', DEFAULT_REDIS_URL),
  redisKeys: redisKeys(prefix),
  wsKeys: wsKeys(prefix),
  managementEndpoint: env('WS_MANAGEMENT_ENDPOINT', 'http://127.0.0.1:4001/local'),
  region: env('AWS_REGION', 'us-east-1'),
  databaseUrl: databaseUrl === 'none' ? undefined : databaseUrl,
  depthIntervalMs: Number(env('DEPTH_INTERVAL_MS', '100')),
  concurrency: Number(env('FANOUT_CONCURRENCY', '64')),
  maxQueuedFrames: Number(env('FANOUT_MAX_QUEUED', '1000')),
  minPostIntervalMs: Number(env('FANOUT_POST_INTERVAL_MS', '100')),
  shard: parseShard(env('FANOUT_SHARD', '0/1')),
  healthPort: Number(env('FANOUT_HEALTH_PORT', '4003')),
  logger,
});
logger.info({ health: fanout.health?.url }, 'fan-out ready');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping');
    fanout.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'fan-out stop failed');
        process.exit(1);
      },
    );
  });
}
