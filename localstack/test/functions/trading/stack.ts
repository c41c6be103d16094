/**
 * The whole trading stack in one process, for integration tests and benchmarks: a
 * scratch PostgreSQL database (functions' and engine's migrations), Redis under a key
 * prefix of its own, fauxqs with the exchange's queues, the real engine service, the
 * DB processor polling `events.fifo`, and the API Gateway HTTP emulator serving
 * `HTTP_ROUTES`. The functions' shared clients are pointed at all of it through
 * `process.env` before any handler runs.
 */
import { randomBytes } from 'node:crypto';
import {
  migrateEngineDatabase,
  type RunningEngineService,
  startEngineService,
} from '@exchange/engine-service/runtime';
import { migrateFunctionsDatabase } from '@exchange/functions/db/migrate';
import { closeDatabase, database } from '@exchange/functions/db/pool';
import { closeRedis } from '@exchange/functions/db/redis';
import { createDbProcessorHandler } from '@exchange/functions/db-processor/handler';
import { resetOrdersQueue } from '@exchange/functions/engine-client/orders-queue';
import { closeReplies } from '@exchange/functions/engine-client/replies';
import { HTTP_ROUTES } from '@exchange/functions/http-routes';
import {
  createScratchDatabase,
  ensureRedis,
  type RunningService,
  type ScratchDatabase,
} from '@exchange/local-services';
import {
  createSqsClient,
  type HttpApi,
  type LocalSqs,
  loadRouteTable,
  SqsEventSource,
  startHttpApi,
  startLocalSqs,
} from '@exchange/localstack';
import {
  createMarketRegistry,
  EVENTS_QUEUE,
  ORDERS_QUEUE,
  QUEUE_DEFINITIONS,
  redisKeys,
} from '@exchange/protocol';
import { pino } from 'pino';

/** A running stack; `problems` collects what the emulator and the poller report. */
export interface TradingStack {
  readonly api: HttpApi;
  readonly db: ScratchDatabase;
  readonly sqs: LocalSqs;
  readonly problems: unknown[];
  close(): Promise<void>;
}

/** Starts everything; `close()` stops it in reverse order and drops the database. */
export async function startTradingStack(): Promise<TradingStack> {
  const logger = pino({ level: 'silent' });
  const prefix = `test-${randomBytes(6).toString('hex')}:`;
  const redis: RunningService = await ensureRedis();
  const db = await createScratchDatabase({
    prefix: 'trading_test',
    migrate: async (url) => {
      await migrateEngineDatabase(url);
      await migrateFunctionsDatabase(url);
    },
  });
  const sqs = await startLocalSqs({ port: 0, queues: QUEUE_DEFINITIONS });
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    SQS_ENDPOINT: sqs.endpoint,
    AWS_REGION: sqs.region,
    ORDERS_QUEUE: ORDERS_QUEUE.name,
  });
  const engine: RunningEngineService = await startEngineService({
    registry: createMarketRegistry(),
    databaseUrl: db.url,
    redisUrl: redis.url,
    sqsEndpoint: sqs.endpoint,
    region: sqs.region,
    redisKeys: redisKeys(prefix),
    waitTimeSeconds: 1,
    healthPort: 0,
    logger,
  });
  const problems: unknown[] = [];
  const sqsClient = createSqsClient(sqs);
  const dbProcessor = new SqsEventSource({
    client: sqsClient,
    queueUrl: sqs.queueUrls[EVENTS_QUEUE.name] as string,
    handler: createDbProcessorHandler(() => ({ db: database(), logger })),
    waitTimeSeconds: 1,
    onError: (error) => problems.push(error),
  });
  dbProcessor.start();
  const api = await startHttpApi({
    routes: await loadRouteTable(HTTP_ROUTES),
    onInvocationError: (_, problem) => problems.push(problem),
  });
  return {
    api,
    db,
    sqs,
    problems,
    async close() {
      await api.close();
      await dbProcessor.stop();
      sqsClient.destroy();
      await engine.stop();
      resetOrdersQueue();
      await closeReplies();
      await closeDatabase();
      await closeRedis();
      await sqs.close();
      await db.drop();
      await redis.stop();
    },
  };
}
