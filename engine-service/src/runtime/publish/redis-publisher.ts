/**
 * Publishes a journaled batch to Redis: replies, read models and market data in one
 * pipeline, then the account updates someone listens to in a second one. The parts,
 * in `redis/`: what a batch touched (`batch-touched.ts`), the read models
 * (`read-models.ts`), the replies (`replies.ts`), the market data and tickers
 * (`market-data.ts`, with the memory per market in `market-state.ts`), the account
 * updates and who listens to them (`account-updates.ts`), and the Redis plumbing they
 * share (`pipeline.ts`). This file puts them in the order below.
 */
import {
  DEPTH_READ_MODEL_LEVELS,
  type ExecutionResult,
  REDIS_KEYS,
  type RedisKeys,
  type Reply,
  type WsKeys,
  wsKeys,
} from '@exchange/protocol';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Engine } from '../../core/index.js';
import type { AddressedReply, JournaledCommand } from './journaled-command.js';
import { AccountUpdates, type PendingUpdate } from './redis/account-updates.js';
import { collectTouched, nothingTouched, type Touched } from './redis/batch-touched.js';
import { MarketData } from './redis/market-data.js';
import { MarketStates } from './redis/market-state.js';
import { defineSetAndPublish, inTransaction, sendPipeline, throwIfFailed } from './redis/pipeline.js';
import { ReadModels } from './redis/read-models.js';
import { publishReplies, senderReplies } from './redis/replies.js';

export interface RedisPublisherOptions {
  /** A connection not in subscriber mode. */
  readonly redis: Redis;
  /** The engine the batch was applied to: read models are read from it after the batch. */
  readonly engine: Engine;
  /** Key and channel names. Default {@link REDIS_KEYS} (no prefix). */
  readonly keys?: RedisKeys;
  /** The WebSocket registry's names, for `ws:accounts`. Default: under the keys' prefix. */
  readonly wsKeys?: WsKeys;
  /** Levels per side in `depth:{market}`. Default {@link DEPTH_READ_MODEL_LEVELS}. */
  readonly depthLevels?: number;
}

/** A batch's Redis commands, built by {@link RedisPublisher.prepare}, not yet sent. */
export interface PreparedPublication {
  readonly pipeline: ChainableCommander;
  /** Commands in the pipeline. */
  readonly size: number;
  /** The account updates whose view of `ws:accounts` chooses among {@link updates}. */
  readonly accounts: AccountUpdates;
  /** The batch's account updates, in sequence order. */
  readonly updates: readonly PendingUpdate[];
}

/** Chunk of accounts per pipeline when {@link RedisPublisher.rebuild} writes them all. */
const REBUILD_ACCOUNTS_PER_PIPELINE = 500;

/**
 * The Redis side of the engine's output. Call {@link prepare} right after a batch is
 * applied and {@link send} once the journal committed it (or {@link publish}, both at
 * once, when the engine is not ahead of the journal).
 *
 * The first pipeline's order is the contract:
 * 1. **read models** of what the batch touched (the `depth` hash per market; in the
 *    hashes `balances` and `orders` per account, the assets and orders it changed),
 *    each with `seq` = the batch's last sequence, in one `MULTI` so no reader sees
 *    half a batch — first, so whoever reacts to a message below and then reads a read
 *    model sees at least that state (a client that gets its reply and lists its open
 *    orders finds the new order; a depth snapshot fetched after a diff has a
 *    `lastUpdateId` at least the diff's);
 * 2. **replies**, one per command that names an inbox, on `replies:{inbox}`, then the
 *    extra replies (rejections, redeliveries) given to `prepare`;
 * 3. per market in the order first touched: the batch's **trades** on
 *    `md:trades@{market}` and its merged **depth diff** on `md:depth@{market}`;
 * 4. per market, **ticker** and **book ticker** as they stand after the batch, each
 *    written and published together: the ticker when the market traded (or its
 *    window dropped old trades since the last publication), the book ticker when the
 *    best bid or ask changed;
 * 5. `GET ws:accounts:version`.
 *
 * The second pipeline holds the **account updates**, in sequence order, of the
 * accounts that have a subscriber (see `redis/account-updates.ts`). Redis runs a
 * connection's commands in order, so subscribers see exactly this order. The 24 h
 * tickers live in memory here, fed by the batches' trades; after a restart, feed the
 * last day's journaled results to {@link countTrades} before publishing.
 *
 * @example
 * const publisher = new RedisPublisher({ redis, engine });
 * await publisher.rebuild();
 * await publisher.publish([{ requestId, accountId, result, replyTo: 'inbox-1' }]);
 */
export class RedisPublisher {
  private readonly redis: Redis;
  private readonly engine: Engine;
  private readonly keys: RedisKeys;
  private readonly markets = new MarketStates();
  private readonly readModels: ReadModels;
  private readonly marketData: MarketData;
  private readonly accounts: AccountUpdates;
  private readonly ws: WsKeys;

  constructor(options: RedisPublisherOptions) {
    this.redis = options.redis;
    this.engine = options.engine;
    this.keys = options.keys ?? REDIS_KEYS;
    this.ws = options.wsKeys ?? wsKeys(this.keys.prefix);
    this.readModels = new ReadModels(
      this.engine,
      this.keys,
      this.markets,
      options.depthLevels ?? DEPTH_READ_MODEL_LEVELS,
    );
    this.marketData = new MarketData(this.engine, this.keys, this.markets);
    this.accounts = new AccountUpdates(this.redis, this.engine, this.keys, this.ws);
    defineSetAndPublish(this.redis);
  }

  /**
   * Publishes one journaled batch: {@link prepare} then {@link send}.
   * @throws the first error Redis answered to any command of the pipeline
   */
  async publish(batch: readonly JournaledCommand[], replies: readonly AddressedReply[] = []): Promise<void> {
    await RedisPublisher.send([this.prepare(batch, replies)]);
  }

  /**
   * Builds a batch's pipeline without sending it. Call it right after the batch was
   * applied, while the engine's state is exactly the batch's (the read models are
   * read from the engine now), and send it once the journal has the batch: the
   * engine may apply further batches in between.
   *
   * @param replies answers published as they are, after the batch's own replies:
   *   protocol rejections and answers to redelivered requests
   */
  prepare(batch: readonly JournaledCommand[], replies: readonly AddressedReply[] = []): PreparedPublication {
    const pipeline = this.redis.pipeline();
    const sendersReplies = senderReplies(batch, this.engine.registry);
    const touched = nothingTouched();
    const first = batch[0];
    const last = batch.at(-1);
    if (first !== undefined && last !== undefined) {
      for (const { result } of batch) {
        this.marketData.countTrades(result);
        collectTouched(result, touched, first.result.time, this.engine.registry);
      }
      inTransaction(pipeline, () => this.readModels.write(pipeline, touched, last.result.seq));
    }
    publishReplies(pipeline, this.keys, batch, sendersReplies, replies);
    for (const [symbol, market] of touched.markets) this.marketData.publish(pipeline, symbol, market);
    if (last !== undefined)
      this.marketData.publishTickers(pipeline, touched, last.result.seq, last.result.time);
    pipeline.get(this.ws.accountsVersion);
    const updates = batch.flatMap((command, i) =>
      this.accounts.pendingOf(command, sendersReplies[i] as Reply),
    );
    return { pipeline, size: pipeline.length, accounts: this.accounts, updates };
  }

  /**
   * Sends prepared pipelines, in order (one connection runs them in the order sent),
   * then the account updates of the accounts that have a subscriber.
   * @throws the first error Redis answered to any command
   */
  static async send(prepared: readonly PreparedPublication[]): Promise<void> {
    const answers = await Promise.all(prepared.map((p) => p.pipeline.exec()));
    for (const list of answers) for (const answer of list ?? []) throwIfFailed(answer);
    const byPublisher = new Map<AccountUpdates, { version: string | null; own: PreparedPublication[] }>();
    prepared.forEach((p, i) => {
      // Each first pipeline ends with the version: the last one read is the newest.
      const version = (answers[i]?.at(-1)?.[1] ?? null) as string | null;
      const entry = byPublisher.get(p.accounts);
      if (entry === undefined) byPublisher.set(p.accounts, { version, own: [p] });
      else {
        entry.version = version;
        entry.own.push(p);
      }
    });
    for (const [accounts, { version, own }] of byPublisher) await accounts.send(own, version);
  }

  /**
   * Writes every read model whole, from the engine as it stands: each market's depth,
   * book ticker and ticker, and each account's balances and orders hashes (replaced,
   * so nothing of an earlier state survives), then sets `engine:read-models` to the
   * engine's sequence. Run it on start, before the first batch: the batches then
   * write only what they change, so the hashes must start from the engine's state.
   *
   * @throws the first error Redis answered
   */
  async rebuild(): Promise<void> {
    const { engine } = this;
    const assets = engine.registry.assets.map((a) => a.symbol);
    const seq = engine.sequence;
    // The markets whose trades were counted have a ticker; the others never traded.
    const counted = new Set(this.markets.symbols());
    const markets = this.redis.pipeline();
    inTransaction(markets, () => {
      for (const { symbol } of engine.registry.markets) {
        markets.del(this.keys.depth(symbol));
        this.readModels.forgetDepth(symbol);
        this.readModels.writeDepth(markets, symbol, seq);
        this.marketData.writeTickers(markets, symbol, seq, engine.lastCommandTime, {
          publish: false,
          ticker: counted.has(symbol),
        });
      }
    });
    await sendPipeline(markets);
    const write = async (touched: Touched): Promise<void> => {
      const pipeline = this.redis.pipeline();
      inTransaction(pipeline, () => {
        for (const accountId of touched.balances.keys())
          pipeline.del(this.keys.balances(accountId), this.keys.orders(accountId));
        this.readModels.write(pipeline, touched, seq);
      });
      await sendPipeline(pipeline);
    };
    let accounts = nothingTouched();
    for (const accountId of engine.accountIds()) {
      accounts.balances.set(accountId, new Set(assets));
      accounts.orders.set(accountId, new Set(engine.openOrders(accountId).map((o) => o.orderId)));
      if (accounts.balances.size === REBUILD_ACCOUNTS_PER_PIPELINE) {
        await write(accounts);
        accounts = nothingTouched();
      }
    }
    await write(accounts);
    await this.redis.set(this.keys.readModelsReady, seq);
  }

  /** Counts a result's trades in the 24 h tickers without publishing anything. */
  countTrades(result: ExecutionResult): void {
    this.marketData.countTrades(result);
  }
}
