/**
 * The streaming stack in one process for the fan-out's integration tests: a scratch
 * PostgreSQL database (engine and functions migrations), Redis under a prefix of its
 * own, fauxqs, the real engine service, the API Gateway WebSocket emulator serving the
 * real `WS_ROUTES` handlers, and the fan-out posting to the emulator's `@connections`
 * (or several, one per shard).
 */
import { randomBytes } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { migrateFunctionsDatabase } from '@exchange/functions/db/migrate';
import { closeDatabase, database } from '@exchange/functions/db/pool';
import { closeRedis } from '@exchange/functions/db/redis';
import { createDbProcessorHandler } from '@exchange/functions/db-processor/handler';
import { resetOrdersQueue } from '@exchange/functions/engine-client/orders-queue';
import { closeReplies } from '@exchange/functions/engine-client/replies';
import { HTTP_ROUTES } from '@exchange/functions/http-routes';
import { resetListenKeys } from '@exchange/functions/ws/listen-keys';
import { resetSubscriptionRegistry } from '@exchange/functions/ws/registry';
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
  startWebSocketApi,
  type WebSocketApi,
} from '@exchange/localstack';
import {
  createMarketRegistry,
  EVENTS_QUEUE,
  ORDERS_QUEUE,
  QUEUE_DEFINITIONS,
  type RedisKeys,
  redisKeys,
  type WsKeys,
  wsKeys,
} from '@exchange/protocol';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { type RunningFanout, startFanout } from '../../src/fanout/fanout.js';
import { type RunningEngineService, startEngineService } from '../../src/runtime/engine-service.js';
import { migrateEngineDatabase } from '../../src/runtime/journal/index.js';

/** A running stack. */
export interface WsStack {
  readonly api: WebSocketApi;
  /** The REST API (HTTP API emulator serving `HTTP_ROUTES`), when asked for with `rest`. */
  readonly rest: HttpApi | undefined;
  /** What the REST emulator and the DB processor reported (expected to stay empty). */
  readonly problems: unknown[];
  /** The first fan-out (shard 0). */
  readonly fanout: RunningFanout;
  /** Every fan-out, by shard index. */
  readonly fanouts: readonly RunningFanout[];
  readonly engine: RunningEngineService;
  readonly db: ScratchDatabase;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly ws: WsKeys;
  /** Sends wire commands to `orders.fifo` (10 per request), in order per account. */
  send(commands: readonly Record<string, unknown>[]): Promise<void>;
  /** Resolves once the engine has applied `seq` commands. */
  applied(seq: number): Promise<void>;
  close(): Promise<void>;
}

export interface WsStackOptions {
  /** The fan-out's per-connection queue cap. */
  readonly maxQueuedFrames?: number;
  /** Fan-out processes, each serving its shard of the connections. Default 1. */
  readonly shards?: number;
  /**
   * Also serve the REST API in process, with the DB processor, and point the functions'
   * SQS client and `@connections` client (`WS_MANAGEMENT_ENDPOINT`) at this stack.
   */
  readonly rest?: boolean;
}

/** Starts everything; `close()` stops it in reverse order and drops the database. */
export async function startWsStack(options: WsStackOptions = {}): Promise<WsStack> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const registry = createMarketRegistry();
  const prefix = `test-${randomBytes(6).toString('hex')}:`;
  const redisService: RunningService = await ensureRedis();
  const db = await createScratchDatabase({
    prefix: 'ws_test',
    migrate: async (url) => {
      await migrateEngineDatabase(url);
      await migrateFunctionsDatabase(url);
    },
  });
  const sqs: LocalSqs = await startLocalSqs({ port: 0, queues: QUEUE_DEFINITIONS });
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    REDIS_URL: redisService.url,
    REDIS_PREFIX: prefix,
    SQS_ENDPOINT: sqs.endpoint,
    AWS_REGION: sqs.region,
    ORDERS_QUEUE: ORDERS_QUEUE.name,
  });
  resetSubscriptionRegistry();
  resetListenKeys();
  const keys = redisKeys(prefix);
  const engine = await startEngineService({
    registry,
    databaseUrl: db.url,
    redisUrl: redisService.url,
    sqsEndpoint: sqs.endpoint,
    region: sqs.region,
    redisKeys: keys,
    waitTimeSeconds: 1,
    healthPort: 0,
    logger,
  });
  const api = await startWebSocketApi({ log: () => {} });
  process.env.WS_MANAGEMENT_ENDPOINT = api.managementEndpoint;
  const ws = wsKeys(prefix);
  const count = options.shards ?? 1;
  const fanouts = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      startFanout({
        registry,
        redisUrl: redisService.url,
        redisKeys: keys,
        wsKeys: ws,
        managementEndpoint: api.managementEndpoint,
        region: sqs.region,
        databaseUrl: db.url,
        maxQueuedFrames: options.maxQueuedFrames,
        listenKeyCheckMs: 100,
        shard: { index, count },
        logger,
      }),
    ),
  );
  const fanout = fanouts[0] as RunningFanout;
  const sqsClient: SQSClient = createSqsClient(sqs);
  const redis = new Redis(redisService.url);
  const problems: unknown[] = [];
  let rest: HttpApi | undefined;
  let dbProcessor: SqsEventSource | undefined;
  if (options.rest === true) {
    dbProcessor = new SqsEventSource({
      client: sqsClient,
      queueUrl: sqs.queueUrls[EVENTS_QUEUE.name] as string,
      handler: createDbProcessorHandler(() => ({ db: database(), logger })),
      waitTimeSeconds: 1,
      onError: (error) => problems.push(error),
    });
    dbProcessor.start();
    rest = await startHttpApi({
      routes: await loadRouteTable(HTTP_ROUTES),
      onInvocationError: (_, problem) => problems.push(problem),
    });
  }

  return {
    api,
    rest,
    problems,
    fanout,
    fanouts,
    engine,
    db,
    redis,
    keys,
    ws,
    async send(commands) {
      for (let i = 0; i < commands.length; i += 10) {
        const entries = commands.slice(i, i + 10).map((command, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify(command),
          MessageGroupId: String(command.accountId),
          MessageDeduplicationId: String(command.requestId),
        }));
        const result = await sqsClient.send(
          new SendMessageBatchCommand({ QueueUrl: sqs.queueUrls[ORDERS_QUEUE.name], Entries: entries }),
        );
        if ((result.Failed ?? []).length > 0)
          throw new Error(`send failed: ${JSON.stringify(result.Failed)}`);
      }
    },
    async applied(seq) {
      for (;;) {
        const health = (await (await fetch(engine.health.url)).json()) as { lastSeq: number };
        if (health.lastSeq >= seq) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await rest?.close();
      await api.close();
      await dbProcessor?.stop();
      for (const running of fanouts) await running.stop();
      await engine.stop();
      sqsClient.destroy();
      resetOrdersQueue();
      await closeReplies();
      redis.disconnect();
      await closeRedis();
      await closeDatabase();
      await sqs.close();
      await db.drop();
      await redisService.stop();
    },
  };
}
