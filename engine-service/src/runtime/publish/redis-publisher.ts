/**
 * Publishes a journaled batch to Redis: replies, read models and market data in one
 * pipeline, then the account updates someone listens to in a second one.
 *
 * **Account updates only for live subscribers, none lost.** The WebSocket registry
 * keeps `ws:accounts` (accounts whose private stream has a subscriber) and raises
 * `ws:accounts:version` in the same Lua script that adds the subscription, before the
 * `SUBSCRIBE` is acknowledged (protocol `ws-keys.ts`). Every batch's first pipeline
 * ends with a `GET` of that version; when it differs from the version this publisher
 * last read, it reads the set again (`SMEMBERS`), and only then does it choose which
 * of the batch's account updates to send. The ordering argument, for a client that
 * subscribes and then trades:
 *
 * 1. the script adds the account and raises the version, atomically, at instant S;
 * 2. the client gets its acknowledgement after S, and only then sends its order;
 * 3. the engine receives the order after that, applies it, journals it, and sends the
 *    batch's first pipeline: its `GET` runs after S, so it reads the raised version;
 * 4. the publisher reads the set (which holds the account) before it chooses, so the
 *    update goes out, after the batch's replies and market data.
 *
 * So every update of a command the engine received after the acknowledgement is
 * published; the fan-out, for its part, delivers every message that follows a
 * `ws:changes` notice with that notice applied (see `fanout.ts`). The choice happens
 * when the batch is sent, not when it is prepared, because preparing runs before the
 * journal commit, possibly before the subscription. An account whose last subscriber
 * left goes out of the set the same way; a stale member (a connection that expired
 * without `$disconnect`) only costs the bytes of its updates.
 *
 * **Compact writes.** Read models are hashes written per changed level, order and
 * asset, with positional JSON values; market data goes out once per batch and market
 * (its fills in one message, its depth changes merged in another); ticker and book
 * ticker are each written and published by one script call carrying their JSON once,
 * the book ticker only when the best bid or ask moved. The formats are in the
 * protocol's `redis-keys.ts`.
 */
import {
  type AccountUpdate,
  balanceField,
  bookTickerJson,
  DEPTH_ASK_FIELD,
  DEPTH_BID_FIELD,
  DEPTH_READ_MODEL_LEVELS,
  type DepthDiff,
  type EngineOrderEvent,
  type EngineTradeEvent,
  type ExecutionResult,
  formatOnGrid,
  formatUnits,
  LAST_UPDATE_ID_FIELD,
  type Level,
  type Market,
  type OpenOrder,
  openOrderField,
  type PublicTrade,
  publicTradesJson,
  REDIS_KEYS,
  type RedisKeys,
  type Reply,
  SEQ_FIELD,
  tickerJson,
  toReply,
  toWireEvent,
  type WsKeys,
  wsKeys,
} from '@exchange/protocol';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Engine } from '../../core/index.js';
import { replyJson, senderUpdateJson } from '../reply-json.js';
import type { AddressedReply, JournaledCommand } from './journaled-command.js';
import { formatBookTicker, formatTicker, RollingTicker } from './ticker.js';

const MINUTE_MS = 60_000;

/** `SET KEYS[1] ARGV[2]` and `PUBLISH ARGV[1] ARGV[2]`: a read model and its message, its JSON sent once. */
const SET_AND_PUBLISH_LUA = `
redis.call('SET', KEYS[1], ARGV[2])
return redis.call('PUBLISH', ARGV[1], ARGV[2])
`;

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

/** A side's levels as last written to `depth:{market}`: price → quantity, in ticks and lots. */
type WrittenLevels = Map<number, number>;

/** What was last published for a market's ticker and book ticker, and written of its depth. */
interface MarketState {
  readonly ticker: RollingTicker;
  /** Minute of the last ticker publication, and whether its window held trades. */
  tickerMinute: number;
  tickerCount: number;
  /** Best bid and ask last published on `md:bookTicker@{market}`. */
  top: string;
  readonly levels: { readonly bids: WrittenLevels; readonly asks: WrittenLevels };
}

/** An account update to send if the account has a subscriber when the batch is sent. */
interface PendingUpdate {
  readonly accountId: string;
  readonly json: () => string;
}

/** A batch's Redis commands, built by {@link RedisPublisher.prepare}, not yet sent. */
export interface PreparedPublication {
  readonly pipeline: ChainableCommander;
  /** Commands in the pipeline. */
  readonly size: number;
  /** The publisher whose view of `ws:accounts` chooses among {@link updates}. */
  readonly publisher: RedisPublisher;
  /** The batch's account updates, in sequence order. */
  readonly updates: readonly PendingUpdate[];
}

/** A market's share of a batch: its fills, and its depth changes merged (ticks → lots, 0: gone). */
interface MarketBatch {
  readonly trades: PublicTrade[];
  depth:
    | {
        firstUpdateId: number;
        lastUpdateId: number;
        seq: number;
        time: number;
        readonly bids: Map<number, number>;
        readonly asks: Map<number, number>;
      }
    | undefined;
}

/** What a batch touched, in the order first touched. */
interface Touched {
  readonly markets: Map<string, MarketBatch>;
  /** Account → the assets whose balance changed. */
  readonly balances: Map<string, Set<string>>;
  /** Account → its orders that were placed, changed or ended. */
  readonly orders: Map<string, Set<number>>;
  /** Orders placed in this batch: ended within it, they were never written. */
  readonly placed: Set<number>;
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
 * accounts that have a subscriber (see the module comment). Redis runs a connection's
 * commands in order, so subscribers see exactly this order. The 24 h tickers live in
 * memory here, fed by the batches' trades; after a restart, feed the last day's
 * journaled results to {@link countTrades} before publishing.
 *
 * @example
 * const publisher = new RedisPublisher({ redis, engine });
 * await publisher.rebuild();
 * await publisher.publish([{ requestId, accountId, result, replyTo: 'inbox-1' }]);
 */
export class RedisPublisher {
  private readonly redis: Redis & { setAndPublish?: unknown };
  private readonly engine: Engine;
  private readonly keys: RedisKeys;
  private readonly ws: WsKeys;
  private readonly depthLevels: number;
  private readonly markets = new Map<string, MarketState>();
  /** Accounts with a live private subscriber, as of {@link listenersVersion}. */
  private listeners = new Set<string>();
  /** The `ws:accounts:version` {@link listeners} was read at; undefined: never read. */
  private listenersVersion: string | null | undefined;

  constructor(options: RedisPublisherOptions) {
    this.redis = options.redis;
    this.engine = options.engine;
    this.keys = options.keys ?? REDIS_KEYS;
    this.ws = options.wsKeys ?? wsKeys(this.keys.prefix);
    this.depthLevels = options.depthLevels ?? DEPTH_READ_MODEL_LEVELS;
    if (this.redis.setAndPublish === undefined) {
      this.redis.defineCommand('setAndPublish', { numberOfKeys: 1, lua: SET_AND_PUBLISH_LUA });
    }
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
    // Each command's reply to its sender, built once: it is also the sender's account update.
    const senderReplies = batch.map(
      ({ requestId, accountId, result, reply }) =>
        reply ?? toReply(requestId, accountId, result, this.engine.registry),
    );
    const touched = nothingTouched();
    const first = batch[0];
    const last = batch.at(-1);
    if (first !== undefined && last !== undefined) {
      for (const { result } of batch) this.collect(result, touched, first.result.time);
      inTransaction(pipeline, () => this.writeReadModels(pipeline, touched, last.result.seq));
    }
    batch.forEach(({ replyTo }, i) => {
      if (replyTo !== undefined)
        pipeline.publish(this.keys.replies(replyTo), replyJson(senderReplies[i] as Reply));
    });
    for (const { reply, replyTo } of replies) {
      if (replyTo !== undefined) pipeline.publish(this.keys.replies(replyTo), replyJson(reply));
    }
    for (const [symbol, market] of touched.markets) this.publishMarketData(pipeline, symbol, market);
    if (last !== undefined) this.publishTickers(pipeline, touched, last.result.seq, last.result.time);
    pipeline.get(this.ws.accountsVersion);
    const updates = batch.flatMap((command, i) => this.accountUpdates(command, senderReplies[i] as Reply));
    return { pipeline, size: pipeline.length, publisher: this, updates };
  }

  /**
   * Sends prepared pipelines, in order (one connection runs them in the order sent),
   * then the account updates of the accounts that have a subscriber.
   * @throws the first error Redis answered to any command
   */
  static async send(prepared: readonly PreparedPublication[]): Promise<void> {
    const answers = await Promise.all(prepared.map((p) => p.pipeline.exec()));
    for (const list of answers) for (const answer of list ?? []) throwIfFailed(answer);
    const byPublisher = new Map<RedisPublisher, { version: string | null; own: PreparedPublication[] }>();
    prepared.forEach((p, i) => {
      // Each first pipeline ends with the version: the last one read is the newest.
      const version = (answers[i]?.at(-1)?.[1] ?? null) as string | null;
      const entry = byPublisher.get(p.publisher);
      if (entry === undefined) byPublisher.set(p.publisher, { version, own: [p] });
      else {
        entry.version = version;
        entry.own.push(p);
      }
    });
    for (const [publisher, { version, own }] of byPublisher) await publisher.sendUpdates(own, version);
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
    const counted = new Set(this.markets.keys());
    const markets = this.redis.pipeline();
    inTransaction(markets, () => {
      for (const { symbol } of engine.registry.markets) {
        markets.del(this.keys.depth(symbol));
        const state = this.stateOf(symbol);
        state.levels.bids.clear();
        state.levels.asks.clear();
        this.writeDepth(markets, symbol, seq);
        this.writeTickers(markets, symbol, seq, engine.lastCommandTime, {
          publish: false,
          ticker: counted.has(symbol),
        });
      }
    });
    await RedisPublisher.sendPipeline(markets);
    const write = async (touched: Touched): Promise<void> => {
      const pipeline = this.redis.pipeline();
      inTransaction(pipeline, () => {
        for (const accountId of touched.balances.keys())
          pipeline.del(this.keys.balances(accountId), this.keys.orders(accountId));
        this.writeReadModels(pipeline, touched, seq);
      });
      await RedisPublisher.sendPipeline(pipeline);
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
    for (const event of result.events) {
      if (event.type === 'TRADE') this.stateOf(event.market).ticker.addTrade(event, result.time);
    }
  }

  /**
   * Reads `ws:accounts` again if `version` (just read by the batches' pipelines) is
   * not the one last read, then sends the updates of the accounts in it.
   */
  private async sendUpdates(prepared: readonly PreparedPublication[], version: string | null): Promise<void> {
    if (version !== this.listenersVersion) {
      // Read after the version: the set is at least as new as the version recorded.
      this.listeners = new Set(await this.redis.smembers(this.ws.accounts));
      this.listenersVersion = version;
    }
    if (this.listeners.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { updates } of prepared) {
      for (const { accountId, json } of updates) {
        if (this.listeners.has(accountId)) pipeline.publish(this.keys.accountChannel(accountId), json());
      }
    }
    if (pipeline.length > 0) await RedisPublisher.sendPipeline(pipeline);
  }

  private static async sendPipeline(pipeline: ChainableCommander): Promise<void> {
    for (const answer of (await pipeline.exec()) ?? []) throwIfFailed(answer);
  }

  private collect(result: ExecutionResult, touched: Touched, batchTime: number): void {
    this.countTrades(result);
    for (const event of result.events) {
      switch (event.type) {
        case 'TRADE':
          marketOf(touched, event.market).trades.push(this.publicTrade(event, result));
          break;
        case 'DEPTH': {
          const market = marketOf(touched, event.market);
          market.depth ??= {
            firstUpdateId: event.updateId,
            lastUpdateId: event.updateId,
            seq: result.seq,
            time: result.time,
            bids: new Map(),
            asks: new Map(),
          };
          const depth = market.depth;
          depth.lastUpdateId = event.updateId;
          depth.seq = result.seq;
          depth.time = result.time;
          for (const [price, quantity] of event.bids) depth.bids.set(price, quantity);
          for (const [price, quantity] of event.asks) depth.asks.set(price, quantity);
          break;
        }
        case 'ORDER':
          entryOf(touched.orders, event.accountId).add(event.orderId);
          if (event.createdAt >= batchTime) touched.placed.add(event.orderId);
          break;
        case 'BALANCE':
          entryOf(touched.balances, event.accountId).add(event.asset);
          break;
        case 'WITHDRAWAL':
          break;
      }
    }
  }

  /** Queues the depth, balances and orders hashes of what the batch touched. */
  private writeReadModels(pipeline: ChainableCommander, touched: Touched, seq: number): void {
    for (const [symbol, { depth }] of touched.markets)
      if (depth !== undefined) this.writeDepth(pipeline, symbol, seq);
    for (const [accountId, assets] of touched.balances) {
      const fields: (string | number)[] = [SEQ_FIELD, seq];
      for (const symbol of assets) {
        const b = this.engine.balance(accountId, symbol);
        fields.push(symbol, balanceField(b.available, b.locked));
      }
      pipeline.hset(this.keys.balances(accountId), ...fields);
    }
    for (const [accountId, orderIds] of touched.orders) {
      const key = this.keys.orders(accountId);
      const fields: (string | number)[] = [SEQ_FIELD, seq];
      const ended: string[] = [];
      for (const orderId of orderIds) {
        const order = this.engine.order(orderId);
        if (order !== undefined) fields.push(orderId, openOrderField(this.openOrder(order)));
        else if (!touched.placed.has(orderId)) ended.push(String(orderId));
      }
      pipeline.hset(key, ...fields);
      if (ended.length > 0) pipeline.hdel(key, ...ended);
    }
  }

  /**
   * Brings `depth:{market}` to the engine's best levels: sets the levels that are new
   * or changed since the last write, deletes those that went (or fell below the best
   * {@link depthLevels}), and sets `seq` and `lastUpdateId`.
   */
  private writeDepth(pipeline: ChainableCommander, symbol: string, seq: number): void {
    const depth = this.engine.depth(symbol, this.depthLevels);
    if (depth === undefined) return;
    const market = this.marketOf(symbol);
    const { levels } = this.stateOf(symbol);
    const set: (string | number)[] = [SEQ_FIELD, seq, LAST_UPDATE_ID_FIELD, depth.lastUpdateId];
    const gone: string[] = [];
    const side = (now: readonly Level[], written: WrittenLevels, prefix: string): void => {
      const kept = new Set<number>();
      for (const [price, quantity] of now) {
        kept.add(price);
        if (written.get(price) === quantity) continue;
        written.set(price, quantity);
        set.push(prefix + formatOnGrid(price, market.tick), formatOnGrid(quantity, market.step));
      }
      for (const price of written.keys()) {
        if (kept.has(price)) continue;
        written.delete(price);
        gone.push(prefix + formatOnGrid(price, market.tick));
      }
    };
    side(depth.bids, levels.bids, DEPTH_BID_FIELD);
    side(depth.asks, levels.asks, DEPTH_ASK_FIELD);
    const key = this.keys.depth(symbol);
    pipeline.hset(key, ...set);
    if (gone.length > 0) pipeline.hdel(key, ...gone);
  }

  /** A market's fills and merged depth diff of the batch, one message each. */
  private publishMarketData(
    pipeline: ChainableCommander,
    symbol: string,
    { trades, depth }: MarketBatch,
  ): void {
    if (trades.length > 0)
      pipeline.publish(this.keys.marketChannel('trades', symbol), publicTradesJson(trades));
    if (depth === undefined) return;
    const market = this.marketOf(symbol);
    const levels = (side: Map<number, number>) =>
      [...side].map(([price, quantity]): [string, string] => [
        formatOnGrid(price, market.tick),
        formatOnGrid(quantity, market.step),
      ]);
    const diff: DepthDiff = {
      firstUpdateId: depth.firstUpdateId,
      lastUpdateId: depth.lastUpdateId,
      seq: depth.seq,
      time: depth.time,
      bids: levels(depth.bids),
      asks: levels(depth.asks),
    };
    pipeline.publish(this.keys.marketChannel('depth', symbol), JSON.stringify(diff));
  }

  /** Ticker and book ticker of every market whose publication is due, after the batch. */
  private publishTickers(pipeline: ChainableCommander, touched: Touched, seq: number, time: number): void {
    for (const [symbol, state] of this.markets) {
      const batch = touched.markets.get(symbol);
      const minute = Math.floor(time / MINUTE_MS);
      const ticker =
        (batch?.trades.length ?? 0) > 0 || (minute !== state.tickerMinute && state.tickerCount > 0);
      if (ticker || batch?.depth !== undefined) {
        this.writeTickers(pipeline, symbol, seq, time, { publish: true, ticker });
      }
    }
  }

  /**
   * Queues a market's book ticker and, with `ticker`, its ticker. With `publish`, each
   * is written and published by one script call, the book ticker only when its best
   * bid or ask moved since the last publication; else both are only written.
   */
  private writeTickers(
    pipeline: ChainableCommander,
    symbol: string,
    seq: number,
    time: number,
    { publish, ticker }: { readonly publish: boolean; readonly ticker: boolean },
  ): void {
    const state = this.stateOf(symbol);
    const market = this.marketOf(symbol);
    const write = (key: string, channel: string, json: string) => {
      if (publish) (pipeline as ChainableCommander & SetAndPublish).setAndPublish(key, channel, json);
      else pipeline.set(key, json);
    };
    const depth = this.engine.depth(symbol, 1);
    if (depth !== undefined) {
      const bookTicker = formatBookTicker(market, depth, seq);
      const top = `${bookTicker.bidPrice}|${bookTicker.bidQty}|${bookTicker.askPrice}|${bookTicker.askQty}`;
      if (top !== state.top || !publish) {
        state.top = top;
        write(
          this.keys.bookTicker(symbol),
          this.keys.marketChannel('bookTicker', symbol),
          bookTickerJson(bookTicker),
        );
      }
    }
    if (!ticker) return;
    const minute = Math.floor(time / MINUTE_MS);
    const stats = state.ticker.stats(time);
    state.tickerMinute = minute;
    state.tickerCount = stats.count;
    const json = tickerJson(formatTicker(market, stats, seq));
    write(this.keys.ticker(symbol), this.keys.marketChannel('ticker', symbol), json);
  }

  /** A command's account updates, to send if the account has a subscriber. */
  private accountUpdates(
    { requestId, accountId: sender, result }: JournaledCommand,
    senderReply: Reply,
  ): PendingUpdate[] {
    const registry = this.engine.registry;
    const accounts = new Set<string>();
    for (const event of result.events) {
      if (event.type === 'TRADE') accounts.add(event.buyerAccountId).add(event.sellerAccountId);
      else if (event.type !== 'DEPTH') accounts.add(event.accountId);
    }
    // The fee account is the exchange's own: no API key opens its stream (its balances are kept).
    accounts.delete(this.engine.feeAccountId);
    const updates: PendingUpdate[] = [];
    for (const accountId of accounts) {
      if (accountId === sender) {
        if (senderReply.ok) updates.push({ accountId, json: () => senderUpdateJson(senderReply, accountId) });
        continue;
      }
      updates.push({
        accountId,
        json: () => {
          const reply = toReply(requestId, accountId, result, registry);
          if (!reply.ok) throw new Error('a command that touched an account has an accepted reply for it');
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
          return JSON.stringify(update);
        },
      });
    }
    return updates;
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

/** The pipeline method {@link SET_AND_PUBLISH_LUA} defines: key, channel, JSON. */
interface SetAndPublish {
  setAndPublish(key: string, channel: string, json: string): ChainableCommander;
}

function nothingTouched(): Touched {
  return { markets: new Map(), balances: new Map(), orders: new Map(), placed: new Set() };
}

function marketOf(touched: Touched, symbol: string): MarketBatch {
  let market = touched.markets.get(symbol);
  if (market === undefined) {
    market = { trades: [], depth: undefined };
    touched.markets.set(symbol, market);
  }
  return market;
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
