/**
 * The engine service, wired in one place. The stages, in the order a process runs them:
 *
 * 1. connect (PostgreSQL, Redis, SQS) and apply the engine's migrations;
 * 2. take the single-writer lease (wait while another engine holds it);
 * 3. recover: newest snapshot + journal replay;
 * 4. loop (pipelined, see `sequencer.ts`): receive → sequence and apply → fence +
 *    journal → delete ∥ publish (Redis replies, read models, market data;
 *    events.fifo); snapshots copied as batches are applied, written once journaled;
 * 5. on stop: finish the batch in hand, wait for the snapshot write, release the lease.
 *
 * Losing the lease, or a failed journal write, ends the service with an error: the
 * in-memory state may then be ahead of the journal, and only a restart (recovery)
 * is safe.
 */
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  EVENTS_QUEUE,
  type MarketRegistry,
  ORDERS_QUEUE,
  REDIS_KEYS,
  type RedisKeys,
} from '@exchange/protocol';
import { SqsJsonClient } from '@exchange/sqs-client';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Logger } from 'pino';
import { type HealthServer, startHealthServer } from './health.js';
import { JournalFence } from './journal/fence.js';
import { Journal } from './journal/journal.js';
import { migrateEngineDatabase } from './journal/migrate.js';
import { recoverForRestart } from './journal/recovery.js';
import { SnapshotStore } from './journal/snapshot-store.js';
import { Snapshotter } from './journal/snapshotter.js';
import { makeLean } from './lean-client.js';
import { Lease } from './lease/lease.js';
import {
  type EventsMessage,
  EventsQueuePublisher,
  eventsMessagesOf,
  packMessages,
} from './publish/events-queue-publisher.js';
import { type PreparedPublication, RedisPublisher } from './publish/redis-publisher.js';
import { type BatchSink, Sequencer, sendEverywhere } from './sequencer.js';

/**
 * How long the `events.fifo` lane, found idle, gathers batches before it sends: at
 * light load each order would otherwise cost a `SendMessageBatch`, a receive and an
 * invocation of the DB processor of its own. History trails by this much more.
 */
const EVENTS_GATHER_MS = 25;

/** A batch's output, built when it is applied, sent once journaled. */
interface PreparedBatch {
  readonly redis: PreparedPublication;
  /** The batch's persistence events, packed per group (see events-queue-publisher.ts). */
  readonly events: readonly EventsMessage[];
}

export interface EngineServiceConfig {
  readonly registry: MarketRegistry;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** The SQS endpoint; always explicit (fauxqs locally, the regional endpoint in AWS). */
  readonly sqsEndpoint: string;
  readonly region: string;
  readonly ordersQueue?: string;
  readonly eventsQueue?: string;
  readonly redisKeys?: RedisKeys;
  /** Default: the keys' {@link RedisKeys.engineLease} (`engine:lease` under their prefix). */
  readonly leaseKey?: string;
  readonly leaseTtlMs?: number;
  readonly snapshotEveryCommands?: number;
  readonly snapshotEveryMs?: number;
  /** Port of `/health` on 127.0.0.1 (0: any free port). */
  readonly healthPort?: number;
  readonly waitTimeSeconds?: number;
  readonly logger: Logger;
}

export interface RunningEngineService {
  readonly health: HealthServer;
  /** Settles when the loop ends: resolves after `stop()`, rejects on a fatal error. */
  readonly done: Promise<void>;
  /** Finishes the batch in hand, then stops. */
  stop(): Promise<void>;
}

/** Counters the health endpoint reports. */
export interface EngineServiceStats {
  lastSeq: number;
  commands: number;
  batches: number;
  lastBatchAt: number;
  lastBatchMs: number;
  lastJournalMs: number;
}

export async function startEngineService(config: EngineServiceConfig): Promise<RunningEngineService> {
  const { registry, logger } = config;
  const keys = config.redisKeys ?? REDIS_KEYS;

  // 1. connect
  await migrateEngineDatabase(config.databaseUrl);
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
  // An idle connection the server ends is logged, not fatal: the next query reconnects,
  // and a failed journal write stops the loop on its own.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection lost'));
  const redis = new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  // Locally (fauxqs) any credentials do; in AWS the task role's come from the environment.
  const local = !config.sqsEndpoint.includes('amazonaws.com');
  const sqs = new SQSClient({
    endpoint: config.sqsEndpoint,
    region: config.region,
    // No MD5 of every body sent and received: a tenth of the engine's SQS CPU, and the
    // transport (TLS in AWS, loopback locally) already guards the bytes.
    md5: false,
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  makeLean(sqs);
  // The hot path's calls (receive, delete, send events) skip the SDK: see @exchange/sqs-client.
  const queue = new SqsJsonClient({
    endpoint: config.sqsEndpoint,
    region: config.region,
    credentials: sqs.config.credentials,
  });
  const queueUrl = async (name: string): Promise<string> =>
    (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
  const ordersQueueUrl = await queueUrl(config.ordersQueue ?? ORDERS_QUEUE.name);
  const eventsQueueUrl = await queueUrl(config.eventsQueue ?? EVENTS_QUEUE.name);
  const closeClients = async (): Promise<void> => {
    sqs.destroy();
    await queue.close();
    redis.disconnect();
    await pool.end();
  };

  // 2. the lease
  // The token is raised in PostgreSQL when the lease is taken (journal/fence.ts): it
  // outgrows every token the journal has seen even when Redis lost its counter.
  const fence = new JournalFence(pool);
  const lease = new Lease({
    redis,
    key: config.leaseKey ?? keys.engineLease,
    ttlMs: config.leaseTtlMs,
    fence,
  });
  const abort = new AbortController();
  logger.info({ key: lease.key }, 'waiting for the engine lease');
  const token = await lease.acquire({ signal: abort.signal });
  logger.info({ token }, 'engine lease acquired');

  // 3. recovery, keeping the results of what was journaled but perhaps not published
  const journal = new Journal(pool);
  const snapshots = new SnapshotStore(pool);
  const started = performance.now();
  const recovered = await recoverForRestart(registry, journal, snapshots, {
    publishedSeq: await fence.publishedSeq(),
    tradesSince: Date.now() - 86_400_000,
  });
  const engine = recovered.engine;
  logger.info(
    {
      lastSeq: recovered.lastSeq,
      snapshotSeq: recovered.snapshotSeq,
      replayed: recovered.replayed,
      ms: Math.round(performance.now() - started),
    },
    'recovered',
  );

  // 4. the loop
  const snapshotter = new Snapshotter(snapshots, {
    everyCommands: config.snapshotEveryCommands ?? 100_000,
    everyMs: config.snapshotEveryMs ?? 60_000,
    startSeq: recovered.snapshotSeq ?? 0,
    onError: (error, seq) => logger.error({ err: error, seq }, 'snapshot write failed'),
    onSaved: (info) => logger.info(info, 'snapshot saved'),
  });
  const redisPublisher = new RedisPublisher({ redis, engine, keys });
  for (const result of recovered.recentTrades) redisPublisher.countTrades(result);
  await redisPublisher.rebuild();
  const eventsPublisher = new EventsQueuePublisher({ client: queue, queueUrl: eventsQueueUrl, registry });
  const sink: BatchSink<PreparedBatch> = {
    prepare: (executed, replies) => ({
      redis: redisPublisher.prepare(executed, replies),
      events: eventsMessagesOf(executed, registry),
    }),
    // Replies and market data on Redis, and the persistence events on `events.fifo`, each
    // in order on its own: a reply does not wait for the queue's round trip.
    send: (batches) => RedisPublisher.send(batches.map((b) => b.redis)),
    sendAlso: [(batches) => eventsPublisher.publishMessages(packMessages(batches.flatMap((b) => b.events)))],
    gatherMs: EVENTS_GATHER_MS,
  };
  const stats: EngineServiceStats = {
    lastSeq: recovered.lastSeq,
    commands: 0,
    batches: 0,
    lastBatchAt: 0,
    lastBatchMs: 0,
    lastJournalMs: 0,
  };
  const sequencer = new Sequencer({
    engine,
    registry,
    journal,
    queue,
    queueUrl: ordersQueueUrl,
    sink,
    lastSeq: recovered.lastSeq,
    lastTime: await journal.lastTime(),
    waitTimeSeconds: config.waitTimeSeconds ?? 20,
    // The fence: an engine whose lease is lost stops before it writes (the lease's own
    // state), and the journal refuses the append of one deposed meanwhile (the token).
    checkLease: () => lease.confirmedToken(),
    fencingToken: token,
    afterApplied: (seq, journaled) => snapshotter.afterApplied(engine, seq, journaled),
  });

  // A crash between a journal commit and its publishing: publish it now (journal/recovery.ts).
  const { republication } = recovered;
  if (republication !== undefined) {
    await sendEverywhere(sink, [
      {
        redis: redisPublisher.prepare(republication.executed, republication.replies),
        events: republication.events,
      },
    ]);
    logger.info({ from: republication.from, to: republication.to }, 'republished journaled commands');
  }
  await fence.markPublished(token, recovered.lastSeq);

  const health = await startHealthServer({
    port: config.healthPort ?? 0,
    state: async () => ({
      status: abort.signal.aborted ? 'stopping' : 'ok',
      ...stats,
      lagMs: stats.lastBatchAt === 0 ? null : Date.now() - stats.lastBatchAt,
      queueDepth: await queueDepth(sqs, ordersQueueUrl),
    }),
  });

  /** Why the loop must end with an error, if it must. */
  let fatal: unknown;
  lease.onLost((error) => {
    logger.error({ err: error }, 'engine lease lost: stopping');
    fatal = error;
    abort.abort();
  });

  const loop = async (): Promise<void> => {
    try {
      await sequencer.run(abort.signal, (outcome) => {
        stats.lastSeq = outcome.lastSeq;
        stats.commands += outcome.applied;
        stats.batches += 1;
        stats.lastBatchAt = Date.now();
        stats.lastBatchMs = outcome.processMs;
        stats.lastJournalMs = outcome.journalMs;
        logger.debug(outcome, 'batch');
      });
    } catch (error) {
      throw fatal ?? error;
    }
    if (fatal !== undefined) throw fatal;
  };

  const done = loop().finally(async () => {
    if (fatal === undefined) await fence.markPublished(token, sequencer.publishedSeq).catch(() => undefined);
    await snapshotter.idle();
    await health.close();
    await lease.release().catch(() => false);
    await closeClients();
    logger.info({ lastSeq: sequencer.lastSeq }, 'engine stopped');
  });
  // The caller observes `done`; this keeps an unobserved failure from crashing twice.
  done.catch(() => undefined);

  return {
    health,
    done,
    async stop() {
      abort.abort();
      await done.catch(() => undefined);
    },
  };
}

async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number | null> {
  try {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  } catch {
    return null;
  }
}
