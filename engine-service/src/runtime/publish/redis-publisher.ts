/**
 * Publishes a journaled batch to Redis: replies, read models and market data, in one
 * pipeline (one round trip per batch, however many commands and events it holds).
 */
import {
  type AccountUpdate,
  type BalanceField,
  DEPTH_READ_MODEL_LEVELS,
  type EngineOrderEvent,
  type EngineTradeEvent,
  type ExecutionResult,
  formatOnGrid,
  formatUnits,
  type Level,
  type Market,
  type OpenOrder,
  type PublicTrade,
  REDIS_KEYS,
  type RedisKeys,
  type Reply,
  SEQ_FIELD,
  toReply,
  toWireEvent,
} from '@exchange/protocol';
import type { ChainableCommander, Redis } from 'ioredis';
import type { DepthView, Engine } from '../../core/index.js';
import { replyJson, senderUpdateJson } from '../reply-json.js';
import type { JournaledCommand } from './journaled-command.js';
import { formatBookTicker, formatTicker, RollingTicker } from './ticker.js';

const MINUTE_MS = 60_000;

export interface RedisPublisherOptions {
  /** A connection not in subscriber mode. */
  readonly redis: Redis;
  /** The engine the batch was applied to: read models are read from it after the batch. */
  readonly engine: Engine;
  /** Key and channel names. Default {@link REDIS_KEYS} (no prefix). */
  readonly keys?: RedisKeys;
  /** Levels per side in `depth:{market}`. Default {@link DEPTH_READ_MODEL_LEVELS}. */
  readonly depthLevels?: number;
}

/** What was last published for a market's ticker and book ticker. */
interface MarketState {
  readonly ticker: RollingTicker;
  /** Minute of the last ticker publication, and whether its window held trades. */
  tickerMinute: number;
  tickerCount: number;
  /** Best bid and ask last published on `md:bookTicker@{market}`. */
  top: string;
  /** Each side's levels as last written to `depth:{market}`, formatted. */
  levels: { bids: FormattedLevels; asks: FormattedLevels };
}

/** Price → the level's quantity and its JSON (`["100.25","3"]`), as last formatted. */
type FormattedLevels = Map<number, { readonly quantity: number; readonly json: string }>;

/** A batch's Redis commands, built by {@link RedisPublisher.prepare}, not yet sent. */
export interface PreparedPublication {
  readonly pipeline: ChainableCommander;
  /** Commands in the pipeline. */
  readonly size: number;
}

/** What a batch touched, in the order first touched. */
interface Touched {
  readonly depthMarkets: Set<string>;
  readonly tradeMarkets: Set<string>;
  /** Account → the assets whose balance changed. */
  readonly balances: Map<string, Set<string>>;
  /** Account → its orders that were placed, changed or ended. */
  readonly orders: Map<string, Set<number>>;
}

/** Chunk of accounts per pipeline when {@link RedisPublisher.rebuild} writes them all. */
const REBUILD_ACCOUNTS_PER_PIPELINE = 500;

/**
 * The Redis side of the engine's output. Call {@link prepare} right after a batch is
 * applied and {@link send} once the journal committed it (or {@link publish}, both at
 * once, when the engine is not ahead of the journal).
 *
 * The pipeline's order is the contract:
 * 1. **read models** of what the batch touched (`depth`, `bookTicker`, `ticker` per
 *    market; in the hashes `balances` and `orders` per account, the assets and orders
 *    it changed), each with `seq` = the batch's last sequence, in one `MULTI` so no
 *    reader sees half a batch — first, so whoever reacts to a message below and then reads a read
 *    model sees at least that state (a client that gets its reply and lists its
 *    open orders finds the new order; a depth snapshot fetched after a diff has a
 *    `lastUpdateId` at least the diff's);
 * 2. **replies**, one per command, on `reply:{requestId}`, then the extra replies
 *    (rejections, redeliveries) given to `prepare`;
 * 3. per command in sequence order: its **trades** on `md:trades@{market}`, its
 *    **depth diff** on `md:depth@{market}` (the `DEPTH` event, with `updateId`),
 *    and an **account update** on `md:account@{accountId}` for every account it
 *    touched;
 * 4. per market, **ticker** and **book ticker** as they stand after the batch: the
 *    ticker when the market traded (or its window dropped old trades since the last
 *    publication), the book ticker when the best bid or ask changed.
 *
 * Redis runs a connection's commands in order, so subscribers see exactly this order.
 * The 24 h tickers live in memory here, fed by the batches' trades; after a restart,
 * feed the last day's journaled results to {@link countTrades} before publishing.
 *
 * @example
 * const publisher = new RedisPublisher({ redis, engine });
 * await publisher.publish([{ requestId, accountId, result }]);
 */
export class RedisPublisher {
  private readonly redis: Redis;
  private readonly engine: Engine;
  private readonly keys: RedisKeys;
  private readonly depthLevels: number;
  private readonly markets = new Map<string, MarketState>();

  constructor(options: RedisPublisherOptions) {
    this.redis = options.redis;
    this.engine = options.engine;
    this.keys = options.keys ?? REDIS_KEYS;
    this.depthLevels = options.depthLevels ?? DEPTH_READ_MODEL_LEVELS;
  }

  /**
   * Publishes one journaled batch in one pipeline: {@link prepare} then {@link send}.
   * @throws the first error Redis answered to any command of the pipeline
   */
  async publish(batch: readonly JournaledCommand[], replies: readonly Reply[] = []): Promise<void> {
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
  prepare(batch: readonly JournaledCommand[], replies: readonly Reply[] = []): PreparedPublication {
    const pipeline = this.redis.pipeline();
    let tickers: Array<[channel: string, message: string]> = [];
    // Each command's reply to its sender, built once: it is also the sender's account update.
    const senderReplies = batch.map(
      ({ requestId, accountId, result, reply }) =>
        reply ?? toReply(requestId, accountId, result, this.engine.registry),
    );
    const last = batch.at(-1);
    if (last !== undefined) {
      const touched = nothingTouched();
      for (const { result } of batch) this.collect(result, touched);
      inTransaction(pipeline, () => {
        tickers = this.writeReadModels(pipeline, touched, last.result.seq, last.result.time);
      });
      for (const reply of senderReplies) pipeline.publish(this.keys.reply(reply.requestId), replyJson(reply));
    }
    for (const reply of replies) pipeline.publish(this.keys.reply(reply.requestId), replyJson(reply));
    batch.forEach((command, i) => {
      this.publishEvents(pipeline, command, senderReplies[i] as Reply);
    });
    for (const [channel, message] of tickers) pipeline.publish(channel, message);
    return { pipeline, size: pipeline.length };
  }

  /**
   * Sends prepared pipelines, in order (one connection runs them in the order sent).
   * @throws the first error Redis answered to any command
   */
  static async send(prepared: readonly PreparedPublication[]): Promise<void> {
    const answers = await Promise.all(prepared.map((p) => (p.size === 0 ? [] : p.pipeline.exec())));
    for (const list of answers) for (const answer of list ?? []) throwIfFailed(answer);
  }

  /**
   * Writes every read model whole, from the engine as it stands: each market's depth,
   * book ticker and ticker, and each account's balances and orders hashes (replaced,
   * so nothing of an earlier state survives). Run it on start, before the first
   * batch: the batches then write only what they change, so the hashes must start
   * from the engine's state. Redis keeps the lease, so a Redis that lost its data
   * also lost the lease: the engine stops, and its successor rebuilds.
   *
   * @throws the first error Redis answered
   */
  async rebuild(): Promise<void> {
    const { engine } = this;
    const assets = engine.registry.assets.map((a) => a.symbol);
    const write = async (touched: Touched): Promise<void> => {
      const pipeline = this.redis.pipeline();
      inTransaction(pipeline, () => {
        for (const accountId of touched.balances.keys())
          pipeline.del(this.keys.balances(accountId), this.keys.orders(accountId));
        this.writeReadModels(pipeline, touched, engine.sequence, engine.lastCommandTime);
      });
      await RedisPublisher.send([{ pipeline, size: pipeline.length }]);
    };
    await write({
      ...nothingTouched(),
      depthMarkets: new Set(engine.registry.markets.map((m) => m.symbol)),
      tradeMarkets: new Set(this.markets.keys()), // the markets whose trades were counted
    });
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
  }

  /** Counts a result's trades in the 24 h tickers without publishing anything. */
  countTrades(result: ExecutionResult): void {
    for (const event of result.events) {
      if (event.type === 'TRADE') this.stateOf(event.market).ticker.addTrade(event, result.time);
    }
  }

  private collect(result: ExecutionResult, touched: Touched): void {
    this.countTrades(result);
    for (const event of result.events) {
      switch (event.type) {
        case 'TRADE':
          touched.tradeMarkets.add(event.market);
          break;
        case 'DEPTH':
          touched.depthMarkets.add(event.market);
          break;
        case 'ORDER':
          entryOf(touched.orders, event.accountId).add(event.orderId);
          break;
        case 'BALANCE':
          entryOf(touched.balances, event.accountId).add(event.asset);
          break;
        case 'WITHDRAWAL':
          break;
      }
    }
  }

  /** Queues the read models; returns the ticker messages to publish at the end. */
  private writeReadModels(
    pipeline: ChainableCommander,
    touched: Touched,
    seq: number,
    time: number,
  ): Array<[channel: string, message: string]> {
    const after: Array<[string, string]> = [];
    for (const symbol of touched.depthMarkets) {
      const market = this.marketOf(symbol);
      const depth = this.engine.depth(symbol, this.depthLevels);
      if (depth === undefined) continue;
      const state = this.stateOf(symbol);
      pipeline.set(this.keys.depth(symbol), depthReadModelJson(symbol, seq, depth, market, state.levels));
      const bookTicker = formatBookTicker(market, depth, seq);
      const json = JSON.stringify(bookTicker);
      pipeline.set(this.keys.bookTicker(symbol), json);
      const top = `${bookTicker.bidPrice}|${bookTicker.bidQty}|${bookTicker.askPrice}|${bookTicker.askQty}`;
      if (top !== state.top) {
        state.top = top;
        after.push([this.keys.marketChannel('bookTicker', symbol), json]);
      }
    }
    const minute = Math.floor(time / MINUTE_MS);
    for (const [symbol, state] of this.markets) {
      const due =
        touched.tradeMarkets.has(symbol) || (minute !== state.tickerMinute && state.tickerCount > 0);
      if (!due) continue;
      const stats = state.ticker.stats(time);
      state.tickerMinute = minute;
      state.tickerCount = stats.count;
      const json = JSON.stringify(formatTicker(this.marketOf(symbol), stats, seq));
      pipeline.set(this.keys.ticker(symbol), json);
      after.push([this.keys.marketChannel('ticker', symbol), json]);
    }
    for (const [accountId, assets] of touched.balances) {
      const fields: (string | number)[] = [SEQ_FIELD, seq];
      for (const symbol of assets) {
        const { decimals } = this.engine.registry.asset(symbol) as { decimals: number };
        const b = this.engine.balance(accountId, symbol);
        const field: BalanceField = {
          available: formatUnits(b.available, decimals),
          locked: formatUnits(b.locked, decimals),
        };
        fields.push(symbol, JSON.stringify(field));
      }
      pipeline.hset(this.keys.balances(accountId), ...fields);
    }
    for (const [accountId, orderIds] of touched.orders) {
      const key = this.keys.orders(accountId);
      const fields: (string | number)[] = [SEQ_FIELD, seq];
      const ended: number[] = [];
      for (const orderId of orderIds) {
        const order = this.engine.order(orderId);
        if (order === undefined) ended.push(orderId);
        else fields.push(orderId, JSON.stringify(this.openOrder(order)));
      }
      pipeline.hset(key, ...fields);
      if (ended.length > 0) pipeline.hdel(key, ...ended.map(String));
    }
    return after;
  }

  /** A command's trades, depth diff and account updates, in that order. */
  private publishEvents(
    pipeline: ChainableCommander,
    { requestId, accountId: sender, result }: JournaledCommand,
    senderReply: Reply,
  ): void {
    const registry = this.engine.registry;
    const accounts = new Set<string>();
    for (const event of result.events) {
      switch (event.type) {
        case 'TRADE':
          pipeline.publish(
            this.keys.marketChannel('trades', event.market),
            JSON.stringify(this.publicTrade(event, result)),
          );
          accounts.add(event.buyerAccountId).add(event.sellerAccountId);
          break;
        case 'DEPTH':
          pipeline.publish(
            this.keys.marketChannel('depth', event.market),
            JSON.stringify(toWireEvent(event, result.seq, result.time, registry)),
          );
          break;
        default:
          accounts.add(event.accountId);
      }
    }
    // The fee account is the exchange's own: no API key opens its stream (its balances are kept).
    accounts.delete(this.engine.feeAccountId);
    for (const accountId of accounts) {
      if (accountId === sender) {
        if (senderReply.ok)
          pipeline.publish(this.keys.accountChannel(accountId), senderUpdateJson(senderReply, accountId));
        continue;
      }
      const reply = toReply(requestId, accountId, result, registry);
      if (!reply.ok) continue;
      const { orders, fills, balances, withdrawals } = reply;
      const update: AccountUpdate = {
        type: 'ACCOUNT',
        accountId,
        seq: result.seq,
        time: result.time,
        orders,
        fills,
        balances,
        withdrawals,
      };
      pipeline.publish(this.keys.accountChannel(accountId), JSON.stringify(update));
    }
  }

  private publicTrade(trade: EngineTradeEvent, result: ExecutionResult): PublicTrade {
    const market = this.marketOf(trade.market);
    return {
      type: 'TRADE',
      seq: result.seq,
      time: result.time,
      market: trade.market,
      tradeId: trade.tradeId,
      price: formatOnGrid(trade.price, market.tick),
      quantity: formatOnGrid(trade.quantity, market.step),
      quoteQuantity: formatUnits(trade.quoteQuantity, market.quote.decimals),
      takerSide: trade.takerSide,
    };
  }

  private openOrder(order: EngineOrderEvent): OpenOrder {
    // The stamp is dropped: a read model's `seq` says which state it reflects.
    const wire = toWireEvent(order, 1, 0, this.engine.registry);
    if (wire.type !== 'ORDER') throw new Error('an open order must format as an ORDER event');
    const { type: _type, seq: _seq, time: _time, ...open } = wire;
    return open;
  }

  private marketOf(symbol: string): Market {
    const market = this.engine.registry.market(symbol);
    if (market === undefined) throw new Error(`event for unknown market ${symbol}`);
    return market;
  }

  private stateOf(symbol: string): MarketState {
    let state = this.markets.get(symbol);
    if (state === undefined) {
      state = {
        ticker: new RollingTicker(),
        tickerMinute: Number.NaN,
        tickerCount: 0,
        top: '',
        levels: { bids: new Map(), asks: new Map() },
      };
      this.markets.set(symbol, state);
    }
    return state;
  }
}

function nothingTouched(): Touched {
  return { depthMarkets: new Set(), tradeMarkets: new Set(), balances: new Map(), orders: new Map() };
}

/** The set `map` holds under `key`, added empty when missing. */
function entryOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

/**
 * Queues `write`'s commands between `MULTI` and `EXEC` in the pipeline, so Redis runs
 * them with nothing in between (ioredis supports a transaction inside a pipeline; its
 * types do not declare `multi` there). The pipeline is still sent by its own `exec`.
 */
function inTransaction(pipeline: ChainableCommander, write: () => void): void {
  (pipeline as ChainableCommander & { multi(): ChainableCommander }).multi();
  write();
  void pipeline.exec(); // queues EXEC
}

/** Throws a pipeline answer's error, or the first error inside a transaction's `EXEC` answer. */
function throwIfFailed([error, value]: [Error | null, unknown]): void {
  if (error) throw error;
  if (Array.isArray(value)) for (const item of value) if (item instanceof Error) throw item;
}

/**
 * `depth:{market}` as JSON, exactly `JSON.stringify` of its {@link DepthReadModel}, built
 * from the levels' JSON: a batch changes a few of the hundred levels per side, so each
 * level is formatted again only when its quantity changed since the last write.
 */
function depthReadModelJson(
  symbol: string,
  seq: number,
  depth: DepthView,
  market: Market,
  cache: { bids: FormattedLevels; asks: FormattedLevels },
): string {
  const side = (levels: readonly Level[], previous: FormattedLevels): [string, FormattedLevels] => {
    const next: FormattedLevels = new Map();
    const parts: string[] = [];
    for (const [price, quantity] of levels) {
      let level = previous.get(price);
      if (level === undefined || level.quantity !== quantity) {
        const json = JSON.stringify([formatOnGrid(price, market.tick), formatOnGrid(quantity, market.step)]);
        level = { quantity, json };
      }
      next.set(price, level);
      parts.push(level.json);
    }
    return [`[${parts.join(',')}]`, next];
  };
  const [bids, bidLevels] = side(depth.bids, cache.bids);
  const [asks, askLevels] = side(depth.asks, cache.asks);
  cache.bids = bidLevels;
  cache.asks = askLevels;
  return `{"market":${JSON.stringify(symbol)},"seq":${seq},"lastUpdateId":${depth.lastUpdateId},"bids":${bids},"asks":${asks}}`;
}
