/**
 * The WebSocket fan-out: one process beside the engine (never on its matching path)
 * that turns the engine's Redis market-data messages into stream messages and posts
 * them to every subscribed connection. Wiring, in order:
 *
 * 1. **subscribe** to `ws:changes` and `PSUBSCRIBE` to `md:*` before anything is read,
 *    so no change or message falls between a read and the subscription;
 * 2. **resync** the in-memory {@link SubscriptionView} from the registry, then every
 *    `resyncMs` and after every reconnection to Redis, and follow each `ws:changes`
 *    notice (see `subscription-sync.ts`: how a subscription acknowledged before a
 *    message was published is in the view when the message is delivered);
 * 3. **resume** the live candles from the `klines` table (trades meanwhile are held and
 *    replayed onto the stored candles);
 * 4. **route**: each `md:` message goes through the {@link StreamRouter}; frames to send
 *    now go straight to the {@link ConnectionPoster}, and every `depthIntervalMs` the
 *    merged depth, tickers and candles follow;
 * 5. **post** with bounded concurrency and a bounded number of posts per connection
 *    (see {@link ConnectionPoster}), through the lean {@link ConnectionsClient}; a
 *    connection that is gone or too slow is dropped from the view and the registry.
 * 6. **listen keys**: every `listenKeyCheckMs` the connections on a Binance user data
 *    stream whose listen key is gone get `listenKeyExpired` and leave that stream
 *    (see `listen-key-watch.ts`).
 *
 * **Shards**: with `shard` `{ index, count }` the process serves only the connections
 * whose {@link shardOf} is `index`: it reads only their members of the stream sets
 * (filtered inside Redis) and only their `ws:changes`, so `count` processes with
 * indexes `0 … count − 1` serve every connection exactly once.
 *
 * **When Redis loses its data** (a restart without persistence, `FLUSHALL`, a failover
 * to an empty node) the registry is gone, and the clients it listed would stay open
 * and silent. The fan-out keeps `ws:registry` set and checks it every
 * `registryCheckMs`; when it finds it gone (or after a reconnection) it resyncs, and a
 * resync closes every connection it was serving whose `ws:conn:{id}` vanished
 * (`DeleteConnection`), so those clients reconnect and subscribe again. Both Redis
 * connections reconnect on their own, and the subscriptions are made again on
 * reconnection.
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import {
  depthReadModelOf,
  type MarketRegistry,
  type RedisKeys,
  WS_DROP_CONNECTION_LUA,
  type WsKeys,
} from '@exchange/protocol';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type HealthServer, startHealthServer } from '../runtime/health.js';
import { loadCandlesInProgress } from './candles-in-progress.js';
import { ConnectionPoster, type PosterStats } from './connection-poster.js';
import { type Shard, shardOf } from './connection-shard.js';
import { ConnectionsClient } from './connections-client.js';
import { checkListenKeys, isUserDataStream } from './listen-key-watch.js';
import { type Outgoing, StreamRouter } from './stream-router.js';
import { subscriptionSync } from './subscription-sync.js';
import { SubscriptionView } from './subscription-view.js';

export interface FanoutOptions {
  readonly registry: MarketRegistry;
  readonly redisUrl: string;
  /** The engine's channel names (same prefix as {@link wsKeys}). */
  readonly redisKeys: RedisKeys;
  readonly wsKeys: WsKeys;
  /** `@connections` endpoint: the emulator's `managementEndpoint`, or `https://{api}.execute-api.{region}.amazonaws.com/{stage}`. */
  readonly managementEndpoint: string;
  readonly region: string;
  /** Where the `klines` table is; without it live candles start from the trades seen. */
  readonly databaseUrl?: string;
  /** Depth merge interval (and ticker, candle cadence). Default 100 ms. */
  readonly depthIntervalMs?: number;
  /** Full resync of the subscription view. Default 30 s. */
  readonly resyncMs?: number;
  /** How often `ws:registry` is checked, to notice a Redis that lost its data. Default 1 s. */
  readonly registryCheckMs?: number;
  /** How often the listen keys of user data streams are checked (`listenKeyExpired`). Default 5 s. */
  readonly listenKeyCheckMs?: number;
  /** Posts in flight at most. Default 64. */
  readonly concurrency?: number;
  /** Frames waiting per connection before it is dropped. Default 1000. */
  readonly maxQueuedFrames?: number;
  /** Least time between two posts of native frames to one connection. Default 100 ms (10 posts/s). */
  readonly minPostIntervalMs?: number;
  /** The part of the connections this process serves. Default: all (`{ index: 0, count: 1 }`). */
  readonly shard?: Shard;
  /** `/health` port; 0 picks one; omitted: no health server. */
  readonly healthPort?: number;
  readonly logger: Logger;
}

/** A running fan-out. */
export interface RunningFanout {
  readonly health: HealthServer | undefined;
  readonly stats: () => FanoutStats;
  /** Resolves when every frame produced so far has been posted (tests). */
  idle(): Promise<void>;
  /** Re-reads the whole registry now. */
  resync(): Promise<void>;
  stop(): Promise<void>;
}

export interface FanoutStats extends PosterStats {
  readonly connections: number;
  readonly streams: number;
  readonly messages: number;
  /** The process's CPU time since it started (user + system), in µs. */
  readonly cpuUs: number;
  readonly shard: string;
}

/** The process's CPU time so far, in µs. */
function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Starts the fan-out; see the module comment for what it does in which order. */
export async function startFanout(options: FanoutOptions): Promise<RunningFanout> {
  const { logger, wsKeys: ws } = options;
  const view = new SubscriptionView();
  /** Account → the listen key its `/stream` connections wrap user data events with (one per account, as on Binance). */
  const listenKeys = new Map<string, string>();
  const router = new StreamRouter({
    registry: options.registry,
    wanted: (stream) => view.has(stream),
    listenKeyOf: (accountId) => listenKeys.get(accountId),
  });
  const commands = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
  const subscriber = new Redis(options.redisUrl);
  commands.on('error', (error) => logger.warn({ err: error }, 'redis'));
  subscriber.on('error', (error) => logger.warn({ err: error }, 'redis subscriber'));
  const shard = options.shard ?? { index: 0, count: 1 };
  const mine = (connectionId: string) =>
    shard.count === 1 || shardOf(connectionId, shard.count) === shard.index;
  const local = options.managementEndpoint.startsWith('http://');
  // The emulator accepts any signature; in AWS the task role's credentials, which the
  // SDK client's provider chain finds and refreshes, sign the posts.
  const sdk = new ApiGatewayManagementApiClient({
    endpoint: options.managementEndpoint,
    region: options.region,
  });
  const client = new ConnectionsClient({
    endpoint: options.managementEndpoint,
    region: options.region,
    credentials: local ? { accessKeyId: 'local', secretAccessKey: 'local' } : sdk.config.credentials,
    connections: options.concurrency ?? 64,
  });
  let messages = 0;

  const forget = (connectionId: string) => {
    view.drop(connectionId);
    commands
      .eval(
        WS_DROP_CONNECTION_LUA,
        2,
        ws.subscriptions(connectionId),
        ws.connection(connectionId),
        ws.prefix,
        connectionId,
      )
      .catch((error: unknown) => logger.warn({ err: error, connectionId }, 'registry cleanup failed'));
  };
  const poster = new ConnectionPoster({
    client,
    concurrency: options.concurrency,
    maxQueuedFrames: options.maxQueuedFrames,
    minPostIntervalMs: options.minPostIntervalMs,
    onGone: forget,
    logger,
  });

  const deliver = (frames: readonly Outgoing[]) => {
    for (const { stream, frame, batchable } of frames) {
      const subscribers = view.subscribers(stream);
      if (subscribers === undefined) continue;
      const bytes = Buffer.byteLength(frame);
      for (const id of subscribers) poster.enqueue(id, frame, batchable, bytes);
    }
  };

  const route = (stream: string, message: string) => {
    messages++;
    try {
      deliver(router.onMessage(stream, message));
    } catch (error) {
      logger.error({ err: error, stream }, 'market-data message not routed');
    }
  };

  const sync = subscriptionSync({ commands, ws, shard, view, listenKeys, poster, route, logger });
  const resync = () => sync.resync();

  /** Sets `ws:registry`; true when it was absent, that is when Redis lost the registry. */
  const markRegistry = async (): Promise<boolean> =>
    (await commands.set(ws.registryMarker, String(Date.now()), 'NX')) === 'OK';

  const resyncNow = (why: string) => {
    resync().catch((error: unknown) => logger.warn({ err: error, why }, 'subscription resync failed'));
  };

  subscriber.on('message', (channel: string, connectionId: string) => {
    if (channel === ws.changes && mine(connectionId)) sync.changed(connectionId);
  });
  subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
    const stream = options.redisKeys.streamOf(channel);
    if (stream !== undefined) sync.message(stream, message);
  });
  await subscriber.subscribe(ws.changes);
  await subscriber.psubscribe(options.redisKeys.marketDataPattern);
  await markRegistry();
  await resync();
  // ioredis subscribes again on reconnection; notices sent meanwhile are lost, so resync.
  subscriber.on('ready', () => {
    logger.info('redis subscriber reconnected: resyncing');
    resyncNow('reconnected');
  });

  try {
    router.resumeCandles(
      options.databaseUrl === undefined ? [] : await loadCandlesInProgress(options.databaseUrl, Date.now()),
    );
  } catch (error) {
    logger.warn({ err: error }, 'candles in progress not read; live candles start from the trades seen');
    router.resumeCandles([]);
  }

  /**
   * Binance's partial books (`<symbol>@depth<n>[@100ms]`) come from the engine's depth
   * read model, read only for markets with a subscriber, one pipeline per interval.
   */
  let partialRead: Promise<void> | undefined;
  let slowPartialDueAt = 0;
  const partialDepth = (now: number) => {
    if (partialRead !== undefined) return;
    const speeds: ('fast' | 'slow')[] = ['fast'];
    if (now >= slowPartialDueAt) {
      speeds.push('slow');
      slowPartialDueAt = now + 1000;
    }
    const wanted = speeds.flatMap((speed) =>
      router.partialDepthMarkets(speed).map((market) => ({ market, speed })),
    );
    if (wanted.length === 0) return;
    const pipeline = commands.pipeline();
    for (const { market } of wanted) pipeline.hgetall(options.redisKeys.depth(market));
    partialRead = pipeline
      .exec()
      .then((answers) => {
        (answers ?? []).forEach(([error, hash], i) => {
          const { market, speed } = wanted[i] as (typeof wanted)[number];
          if (error === null) {
            deliver(router.partialDepth(depthReadModelOf(market, hash as Record<string, string>), speed));
          }
        });
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'partial depth not read'))
      .finally(() => {
        partialRead = undefined;
      });
  };
  const flushTimer = setInterval(() => {
    const now = Date.now();
    deliver(router.flush(now));
    partialDepth(now);
  }, options.depthIntervalMs ?? 100);
  const resyncTimer = setInterval(() => resyncNow('periodic'), options.resyncMs ?? 30_000);
  const registryTimer = setInterval(() => {
    markRegistry().then(
      (lost) => {
        if (!lost) return;
        logger.warn('the subscription registry is gone (Redis lost its data): closing its connections');
        resyncNow('registry lost');
      },
      (error: unknown) => logger.warn({ err: error }, 'registry check failed'),
    );
  }, options.registryCheckMs ?? 1000);

  let listenKeyCheck: Promise<unknown> | undefined;
  const listenKeyTimer = setInterval(() => {
    if (listenKeyCheck !== undefined) return;
    const listening = new Set<string>();
    for (const stream of view.streamNames()) {
      if (!isUserDataStream(stream)) continue;
      for (const id of view.subscribers(stream) ?? []) listening.add(id);
    }
    if (listening.size === 0) return;
    listenKeyCheck = checkListenKeys(commands, ws, [...listening], (id, frame) =>
      poster.enqueue(id, frame, false, Buffer.byteLength(frame)),
    )
      .catch((error: unknown) => logger.warn({ err: error }, 'listen keys not checked'))
      .finally(() => {
        listenKeyCheck = undefined;
      });
  }, options.listenKeyCheckMs ?? 5000);

  const stats = (): FanoutStats => ({
    ...poster.stats,
    connections: view.connections,
    streams: view.streams,
    messages,
    cpuUs: cpuUs(),
    shard: `${shard.index}/${shard.count}`,
  });
  const health =
    options.healthPort === undefined
      ? undefined
      : await startHealthServer({
          port: options.healthPort,
          state: async () => ({ status: 'ok', ...stats() }),
        });
  logger.info(
    { endpoint: options.managementEndpoint, shard: `${shard.index}/${shard.count}` },
    'fan-out running',
  );

  return {
    health,
    stats,
    idle: () => poster.idle(),
    resync,
    async stop() {
      clearInterval(flushTimer);
      clearInterval(resyncTimer);
      clearInterval(registryTimer);
      clearInterval(listenKeyTimer);
      await listenKeyCheck;
      subscriber.disconnect();
      await poster.idle();
      poster.close();
      await health?.close();
      commands.disconnect();
      client.close();
      sdk.destroy();
    },
  };
}
