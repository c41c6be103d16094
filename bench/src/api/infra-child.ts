/**
 * Child process of the API benchmark: everything behind the API — a scratch database,
 * Redis under its own prefix, fauxqs, the engine service and the DB processor. Prints
 * the environment the API process needs as one JSON line, runs until SIGTERM, then
 * stops it all and drops the database.
 */
import { randomBytes } from 'node:crypto';
import { migrateEngineDatabase, startEngineService } from '@exchange/engine-service/runtime';
import { migrateFunctionsDatabase } from '@exchange/functions/db/migrate';
import { closeDatabase, database } from '@exchange/functions/db/pool';
import { createDbProcessorHandler } from '@exchange/functions/db-processor/handler';
import { createScratchDatabase, ensureRedis } from '@exchange/local-services';
import { createSqsClient, SqsEventSource, startLocalSqs } from '@exchange/localstack';
import { createMarketRegistry, EVENTS_QUEUE, ORDERS_QUEUE, redisKeys } from '@exchange/protocol';
import { pino } from 'pino';

const logger = pino({ level: 'silent' });
const prefix = `bench-api-${randomBytes(4).toString('hex')}:`;
const redis = await ensureRedis();
const db = await createScratchDatabase({
  prefix: 'bench_api',
  migrate: async (url) => {
    await migrateEngineDatabase(url);
    await migrateFunctionsDatabase(url);
  },
});
process.env.DATABASE_URL = db.url;
const sqs = await startLocalSqs({ port: 0 });
const engine = await startEngineService({
  registry: createMarketRegistry(),
  databaseUrl: db.url,
  redisUrl: redis.url,
  sqsEndpoint: sqs.endpoint,
  region: sqs.region,
  redisKeys: redisKeys(prefix),
  healthPort: 0,
  logger,
});
const client = createSqsClient(sqs);
const dbProcessor = new SqsEventSource({
  client,
  queueUrl: sqs.queueUrls[EVENTS_QUEUE.name] as string,
  handler: createDbProcessorHandler(() => ({ db: database(), logger })),
  waitTimeSeconds: 1,
  onError: () => {},
});
dbProcessor.start();

process.stdout.write(
  `${JSON.stringify({
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    SQS_ENDPOINT: sqs.endpoint,
    AWS_REGION: sqs.region,
    ORDERS_QUEUE: ORDERS_QUEUE.name,
  })}\n`,
);

process.once('SIGTERM', async () => {
  await dbProcessor.stop();
  client.destroy();
  await engine.stop();
  await closeDatabase();
  await sqs.close();
  await db.drop();
  await redis.stop();
  process.exit(0);
});
