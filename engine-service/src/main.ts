/**
 * The engine service process (ECS task, or `npm run engine` locally). Configuration
 * from the environment; SIGTERM/SIGINT finish the batch in hand and exit 0; a lost
 * lease or a failed journal write exits 1 (ECS restarts it, recovery takes over).
 *
 * Run Node with the flags of `ENGINE_NODE_FLAGS` (`@exchange/protocol`, where each is
 * explained; the Dockerfile and `npm run engine` carry them). Every
 * setting has a default for the local cloud; tests set their own queues, Redis
 * prefix, lease key and timings through the same variables.
 */
import {
  createMarketRegistry,
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  DEFAULT_SQS_ENDPOINT,
  EVENTS_QUEUE,
  ORDERS_QUEUE,
  redisKeys,
} from '@exchange/protocol';
import { pino } from 'pino';
import { env } from './env.js';
import { startEngineService } from './runtime/engine-service.js';

const logger = pino({ name: 'engine', level: process.env.LOG_LEVEL ?? 'info' });

const service = await startEngineService({
  registry: createMarketRegistry(),
  databaseUrl: env('DATABASE_URL', DEFAULT_DATABASE_URL),
  redisUrl: env('REDIS_URL', DEFAULT_REDIS_URL),
  sqsEndpoint: env('SQS_ENDPOINT', DEFAULT_SQS_ENDPOINT),
  region: env('AWS_REGION', 'us-east-1'),
  ordersQueue: env('ORDERS_QUEUE', ORDERS_QUEUE.name),
  eventsQueue: env('EVENTS_QUEUE', EVENTS_QUEUE.name),
  redisKeys: redisKeys(env('REDIS_PREFIX', '')),
  leaseKey: process.env.LEASE_KEY || undefined,
  leaseTtlMs: Number(env('LEASE_TTL_MS', '10000')),
  waitTimeSeconds: Number(env('SQS_WAIT_SECONDS', '20')),
  healthPort: Number(env('ENGINE_HEALTH_PORT', '4002')),
  snapshotEveryCommands: Number(env('SNAPSHOT_EVERY_COMMANDS', '100000')),
  snapshotEveryMs: Number(env('SNAPSHOT_EVERY_MS', '60000')),
  logger,
});
logger.info({ health: service.health.url }, 'engine running');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping after the batch in hand');
    void service.stop();
  });
}

service.done.then(
  () => process.exit(0),
  (error: unknown) => {
    logger.fatal({ err: error }, 'engine failed');
    process.exit(1);
  },
);
