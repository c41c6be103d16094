/**
 * The engine process of the crash test: `main.ts` with what the test must choose
 * (a lease key of its own, a short lease, a Redis prefix, its own queues, frequent
 * snapshots), all from the environment. Logs pino JSON on stdout; the parent waits
 * for `engine running`. SIGTERM finishes the batch in hand and exits 0, a fatal
 * error exits 1 — as `main.ts` does.
 *
 * Usage: `node --no-allocation-site-pretenuring --import tsx engine-child.ts`
 */
import { createMarketRegistry, redisKeys } from '@exchange/protocol';
import { pino } from 'pino';
import { startEngineService } from '../../src/runtime/engine-service.js';

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

const logger = pino({ name: 'engine', level: process.env.LOG_LEVEL ?? 'info' });

const service = await startEngineService({
  registry: createMarketRegistry(),
  databaseUrl: env('DATABASE_URL'),
  redisUrl: env('REDIS_URL'),
  sqsEndpoint: env('SQS_ENDPOINT'),
  region: env('AWS_REGION'),
  ordersQueue: env('ORDERS_QUEUE'),
  eventsQueue: env('EVENTS_QUEUE'),
  redisKeys: redisKeys(env('REDIS_PREFIX')),
  leaseKey: env('LEASE_KEY'),
  leaseTtlMs: Number(env('LEASE_TTL_MS')),
  snapshotEveryCommands: Number(env('SNAPSHOT_EVERY_COMMANDS')),
  waitTimeSeconds: 1,
  healthPort: 0,
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
