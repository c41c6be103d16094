/**
 * Every Redis key and pub/sub channel of the exchange, and the JSON stored in or
 * published on each. The engine writes them; the API and the WebSocket fan-out read
 * them. Nobody else spells a key.
 *
 * | name                        | kind    | holds                                                        |
 * | --------------------------- | ------- | ------------------------------------------------------------ |
 * | `replies:{inbox}`           | channel | the engine's {@link Reply}s to one function instance's calls  |
 * | `depth:{market}`            | key     | {@link DepthReadModel}: top levels and `lastUpdateId`         |
 * | `balances:{accountId}`      | hash    | `seq`, and per asset a {@link BalanceField}                   |
 * | `orders:{accountId}`        | hash    | `seq`, and per resting order its id → {@link OpenOrder} JSON  |
 * | `bookTicker:{market}`       | key     | {@link BookTickerReadModel}: best bid and ask                 |
 * | `ticker:{market}`           | key     | {@link TickerReadModel}: rolling 24 h statistics              |
 * | `md:trades@{market}`        | channel | one {@link PublicTrade} per fill                              |
 * | `md:depth@{market}`         | channel | one `DEPTH` event per command that changed the book           |
 * | `md:ticker@{market}`        | channel | the {@link TickerReadModel} after a batch with trades         |
 * | `md:bookTicker@{market}`    | channel | the {@link BookTickerReadModel} when the best bid or ask moved |
 * | `md:account@{accountId}`    | channel | one {@link AccountUpdate} per command that touched the account |
 * | `engine:lease`              | key     | the engine's single-writer lease (`<key>:token`: its fencing counter) |
 *
 * Every read model carries `seq`, the engine sequence it reflects, so a reader can
 * tell which of two views is newer. Market read models are plain string keys holding
 * JSON (one `GET`, parsed with the schema here). Account read models are hashes, so a
 * batch writes only the orders and assets it changed, however many an account holds:
 * field `seq` plus one field per entry, read whole with one `HGETALL` and turned into
 * the API's view by {@link balancesReadModelOf} and {@link openOrdersReadModelOf}. The
 * engine writes each batch's read models in one `MULTI`, so a read sees one batch's
 * state, never half of one. Market-data channels share the `md:`
 * prefix so the fan-out subscribes once with {@link RedisKeys.marketDataPattern};
 * the part after `md:` is the public stream name (`trades@SOL_USDC`).
 *
 * All names hang off an optional prefix ({@link redisKeys}), so tests and several
 * environments can share one Redis server. Pub/sub channels are not scoped by Redis
 * database numbers, which is why a prefix, not a `SELECT`, is the way to isolate.
 */
import { z } from 'zod';
import { SIDES } from './commands.js';
import { formatUnits } from './decimal.js';
import { balanceEventSchema, fillSchema, orderEventSchema, withdrawalEventSchema } from './events.js';
import type { Asset } from './markets.js';

/** The public stream kinds of one market, as in `trades@SOL_USDC`. */
export const MARKET_STREAMS = ['trades', 'depth', 'ticker', 'bookTicker'] as const;
export type MarketStream = (typeof MARKET_STREAMS)[number];

/** The private stream kind: `account@{accountId}`. */
export const ACCOUNT_STREAM = 'account';

/** Levels per side kept in `depth:{market}`: Binance's default `/depth` limit. */
export const DEPTH_READ_MODEL_LEVELS = 100;

const MARKET_DATA_PREFIX = 'md:';

/** Every key and channel name, under one prefix. */
export interface RedisKeys {
  /** The prefix every name below starts with (`''` in production). */
  readonly prefix: string;
  /**
   * Inbox channel of one function instance: the engine publishes the {@link Reply} of
   * every command whose `replyTo` is `inbox` here (the reply carries its `requestId`).
   * The instance subscribes once, before its first command.
   */
  replies(inbox: string): string;
  /** Key of a market's {@link DepthReadModel}. */
  depth(market: string): string;
  /** Hash of an account's balances: see {@link balancesReadModelOf}. */
  balances(accountId: string): string;
  /** Hash of an account's resting orders: see {@link openOrdersReadModelOf}. */
  orders(accountId: string): string;
  /** Key of a market's {@link BookTickerReadModel}. */
  bookTicker(market: string): string;
  /** Key of a market's {@link TickerReadModel}. */
  ticker(market: string): string;
  /** Channel of a public market stream: `md:{stream}@{market}`. */
  marketChannel(stream: MarketStream, market: string): string;
  /** Channel of an account's private stream: `md:account@{accountId}`. */
  accountChannel(accountId: string): string;
  /** Key of the engine's single-writer lease. */
  readonly engineLease: string;
  /** `PSUBSCRIBE` pattern matching every market-data and account channel. */
  readonly marketDataPattern: string;
  /**
   * The stream name a market-data channel carries (`md:trades@SOL_USDC` → `trades@SOL_USDC`),
   * or undefined for a channel that is not market data.
   */
  streamOf(channel: string): string | undefined;
}

/**
 * The key and channel names under `prefix`.
 *
 * @example
 * const keys = redisKeys();
 * keys.replies('i-1');                      // 'replies:i-1'
 * keys.marketChannel('trades', 'SOL_USDC'); // 'md:trades@SOL_USDC'
 * redisKeys('test-42:').depth('SOL_USDC');  // 'test-42:depth:SOL_USDC'
 */
export function redisKeys(prefix = ''): RedisKeys {
  const md = `${prefix}${MARKET_DATA_PREFIX}`;
  return {
    prefix,
    replies: (inbox) => `${prefix}replies:${inbox}`,
    depth: (market) => `${prefix}depth:${market}`,
    balances: (accountId) => `${prefix}balances:${accountId}`,
    orders: (accountId) => `${prefix}orders:${accountId}`,
    bookTicker: (market) => `${prefix}bookTicker:${market}`,
    ticker: (market) => `${prefix}ticker:${market}`,
    marketChannel: (stream, market) => `${md}${stream}@${market}`,
    accountChannel: (accountId) => `${md}${ACCOUNT_STREAM}@${accountId}`,
    engineLease: `${prefix}engine:lease`,
    marketDataPattern: `${md}*`,
    streamOf: (channel) => (channel.startsWith(md) ? channel.slice(md.length) : undefined),
  };
}

/** The production names: no prefix. */
export const REDIS_KEYS: RedisKeys = redisKeys();

// ---------------------------------------------------------------------------
// What the keys hold and the channels carry. Decimal strings, as on every wire.

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const seq = z.number().int().nonnegative();
const level = z.tuple([decimal, decimal]);

/** `depth:{market}`: the best {@link DEPTH_READ_MODEL_LEVELS} levels per side, best first. */
export const depthReadModelSchema = z.object({
  market: z.string(),
  seq,
  /** The `updateId` of the last `DEPTH` diff this book includes (Binance's `lastUpdateId`). */
  lastUpdateId: z.number().int().nonnegative(),
  bids: z.array(level),
  asks: z.array(level),
});
export type DepthReadModel = z.infer<typeof depthReadModelSchema>;

/** An account's balances as the API shows them: every asset of the exchange, zero balances included. */
export const balancesReadModelSchema = z.object({
  accountId: z.string(),
  seq,
  balances: z.array(z.object({ asset: z.string(), available: decimal, locked: decimal })),
});
export type BalancesReadModel = z.infer<typeof balancesReadModelSchema>;

/** A resting order as the read model holds it: the `ORDER` event without its event stamp. */
export const openOrderSchema = orderEventSchema.omit({ type: true, seq: true, time: true });
export type OpenOrder = z.infer<typeof openOrderSchema>;

/** An account's resting orders as the API shows them, in every market, oldest first. */
export const openOrdersReadModelSchema = z.object({
  accountId: z.string(),
  seq,
  orders: z.array(openOrderSchema),
});
export type OpenOrdersReadModel = z.infer<typeof openOrdersReadModelSchema>;

/** The field of an account read-model hash that holds the sequence the hash reflects. */
export const SEQ_FIELD = 'seq';

/** One asset's field in `balances:{accountId}` (the field's name is the asset). */
export const balanceFieldSchema = z.object({ available: decimal, locked: decimal });
export type BalanceField = z.infer<typeof balanceFieldSchema>;

/**
 * `balances:{accountId}` (as `HGETALL` returns it) as the API shows it: every asset
 * of `assets` in that order, zero (at the asset's decimals) for assets the hash does
 * not hold. An absent key (`{}`) is an account that never held anything: `seq` 0.
 */
export function balancesReadModelOf(
  accountId: string,
  assets: readonly Asset[],
  hash: Readonly<Record<string, string>>,
): BalancesReadModel {
  return {
    accountId,
    seq: Number(hash[SEQ_FIELD] ?? 0),
    balances: assets.map(({ symbol, decimals }) => {
      const field = hash[symbol];
      if (field === undefined) {
        const zero = formatUnits(0, decimals);
        return { asset: symbol, available: zero, locked: zero };
      }
      const { available, locked } = JSON.parse(field) as BalanceField;
      return { asset: symbol, available, locked };
    }),
  };
}

/**
 * `orders:{accountId}` (as `HGETALL` returns it: field = order id, value = the
 * {@link OpenOrder} JSON) as the API shows it: oldest first, that is by order id,
 * which the engine hands out in placement order.
 */
export function openOrdersReadModelOf(
  accountId: string,
  hash: Readonly<Record<string, string>>,
): OpenOrdersReadModel {
  const orders: OpenOrder[] = [];
  for (const [field, json] of Object.entries(hash)) {
    if (field !== SEQ_FIELD) orders.push(JSON.parse(json) as OpenOrder);
  }
  orders.sort((a, b) => a.orderId - b.orderId);
  return { accountId, seq: Number(hash[SEQ_FIELD] ?? 0), orders };
}

/** `bookTicker:{market}`, also published on `md:bookTicker@{market}`. Null fields: that side is empty. */
export const bookTickerReadModelSchema = z.object({
  market: z.string(),
  seq,
  /** The book's `updateId` the prices reflect. */
  updateId: z.number().int().nonnegative(),
  bidPrice: decimal.nullable(),
  bidQty: decimal.nullable(),
  askPrice: decimal.nullable(),
  askQty: decimal.nullable(),
});
export type BookTickerReadModel = z.infer<typeof bookTickerReadModelSchema>;

/**
 * `ticker:{market}`, also published on `md:ticker@{market}`: statistics of the trades
 * in the 1440 whole minutes ending with the one holding `closeTime` (so between
 * 23 h 59 m and 24 h, like Binance's rolling window). Prices are null when the window
 * holds no trade; `lastPrice` is the last trade ever, even older than the window.
 */
export const tickerReadModelSchema = z.object({
  market: z.string(),
  seq,
  /** Start of the window's first minute (ms). */
  openTime: z.number().int(),
  /** The time of the last command the statistics include (ms). */
  closeTime: z.number().int().nonnegative(),
  openPrice: decimal.nullable(),
  highPrice: decimal.nullable(),
  lowPrice: decimal.nullable(),
  lastPrice: decimal.nullable(),
  /** `lastPrice − openPrice`. */
  priceChange: decimal.nullable(),
  /** `priceChange / openPrice × 100`, three decimals, rounded half away from zero. */
  priceChangePercent: decimal.nullable(),
  /** Base traded in the window. */
  volume: decimal,
  /** Quote traded in the window. */
  quoteVolume: decimal,
  /** Trades in the window. */
  count: z.number().int().nonnegative(),
  firstTradeId: z.number().int().positive().nullable(),
  lastTradeId: z.number().int().positive().nullable(),
});
export type TickerReadModel = z.infer<typeof tickerReadModelSchema>;

/**
 * One fill on `md:trades@{market}`: the public part of a `TRADE` event. Account ids,
 * order ids and fees are private and stay off the public channel.
 */
export const publicTradeSchema = z.object({
  type: z.literal('TRADE'),
  seq: z.number().int().positive(),
  time: z.number().int().nonnegative(),
  market: z.string(),
  tradeId: z.number().int().positive(),
  price: decimal,
  quantity: decimal,
  quoteQuantity: decimal,
  takerSide: z.enum(SIDES),
});
export type PublicTrade = z.infer<typeof publicTradeSchema>;

/**
 * What one command did to one account, on `md:account@{accountId}`: the same view
 * of its orders, fills, balances and withdrawals as a reply, sent to every account
 * the command touched (the maker learns of its fill here).
 */
export const accountUpdateSchema = z.object({
  type: z.literal('ACCOUNT'),
  accountId: z.string(),
  seq: z.number().int().positive(),
  time: z.number().int().nonnegative(),
  orders: z.array(orderEventSchema),
  fills: z.array(fillSchema),
  balances: z.array(balanceEventSchema),
  withdrawals: z.array(withdrawalEventSchema),
});
export type AccountUpdate = z.infer<typeof accountUpdateSchema>;
