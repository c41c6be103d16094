/**
 * Every Redis key and pub/sub channel of the exchange, and the JSON stored in or
 * published on each. The engine writes them; the API and the WebSocket fan-out read
 * them. Nobody else spells a key.
 *
 * | name                        | kind    | holds                                                        |
 * | --------------------------- | ------- | ------------------------------------------------------------ |
 * | `replies:{inbox}`           | channel | the engine's {@link Reply}s to one function instance's calls  |
 * | `depth:{market}`            | hash    | `seq`, `lastUpdateId`, per level `b{price}`/`a{price}` → quantity |
 * | `balances:{accountId}`      | hash    | `seq`, and per asset {@link balanceField}: minor units        |
 * | `orders:{accountId}`        | hash    | `seq`, and per resting order its id → {@link openOrderField}  |
 * | `bookTicker:{market}`       | key     | {@link bookTickerJson}: best bid and ask                      |
 * | `ticker:{market}`           | key     | {@link tickerJson}: rolling 24 h statistics                   |
 * | `md:trades@{market}`        | channel | a batch's fills in the market: {@link publicTradesJson}       |
 * | `md:depth@{market}`         | channel | a batch's book changes in the market, merged: {@link DepthDiff} |
 * | `md:ticker@{market}`        | channel | {@link tickerJson} after a batch with trades                  |
 * | `md:bookTicker@{market}`    | channel | {@link bookTickerJson} when the best bid or ask moved         |
 * | `md:account@{accountId}`    | channel | one {@link AccountUpdate} per command that touched the account, while it has a subscriber |
 * | `engine:lease`              | key     | the engine's single-writer lease (`<key>:token`: its fencing counter) |
 * | `engine:read-models`        | key     | written last by the engine's rebuild of every read model: the `seq` it reflects |
 *
 * Every read model carries `seq`, the engine sequence it reflects, so a reader can
 * tell which of two views is newer. Ticker and book ticker are plain string keys (one
 * `GET`, read with {@link tickerReadModelOf} and {@link bookTickerReadModelOf}), each
 * written together with its publication and holding the same text, the book ticker
 * only when the best bid or ask moved (its `seq` and `updateId` then say since when
 * it holds). Depth and the account read models are
 * hashes, so a batch writes only the levels, orders and assets it changed: read whole
 * with one `HGETALL` and turned into the API's view by {@link depthReadModelOf},
 * {@link balancesReadModelOf} and {@link openOrdersReadModelOf}. Their values are
 * positional JSON (arrays, no field names) and leave out what the key or field name
 * already says. The engine writes each batch's hashes in one `MULTI`, so a read sees
 * one batch's state, never half of one.
 *
 * Market-data channels share the `md:` prefix so the fan-out subscribes once with
 * {@link RedisKeys.marketDataPattern}; the part after `md:` is the public stream name
 * (`trades@SOL_USDC`). Only the fan-out reads them: it rebuilds the public payloads
 * (one {@link PublicTrade} per fill, depth diffs merged per interval) from these
 * per-batch messages, which carry nothing it can rebuild.
 *
 * All names hang off an optional prefix ({@link redisKeys}), so tests and several
 * environments can share one Redis server. Pub/sub channels are not scoped by Redis
 * database numbers, which is why a prefix, not a `SELECT`, is the way to isolate.
 */
import { z } from 'zod';
import { SIDES } from './commands.js';
import { formatUnits } from './decimal.js';
import { compareDecimal } from './decimal-arithmetic.js';
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
  /**
   * Key the engine writes (the `seq` it rebuilt at) after it has rebuilt every read
   * model, and never deletes. While it exists, a read model that is absent is truly
   * empty (a market without orders, an account the engine never touched); when it is
   * absent too, Redis lost its data and the engine has not rebuilt yet, so readers
   * answer "unavailable" rather than an empty book or zero balances.
   */
  readonly readModelsReady: string;
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
    readModelsReady: `${prefix}engine:read-models`,
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

/** The field of `depth:{market}` holding the read model's `lastUpdateId`. */
export const LAST_UPDATE_ID_FIELD = 'lastUpdateId';
/** Prefix of a bid level's field in `depth:{market}` (`b100.25` → its quantity). */
export const DEPTH_BID_FIELD = 'b';
/** Prefix of an ask level's field in `depth:{market}`. */
export const DEPTH_ASK_FIELD = 'a';

/**
 * `depth:{market}` (as `HGETALL` returns it) as the API shows it: bids highest first,
 * asks lowest first. An absent key (`{}`) is an empty book at `seq` 0.
 */
export function depthReadModelOf(market: string, hash: Readonly<Record<string, string>>): DepthReadModel {
  const bids: [string, string][] = [];
  const asks: [string, string][] = [];
  for (const [field, quantity] of Object.entries(hash)) {
    if (field === SEQ_FIELD || field === LAST_UPDATE_ID_FIELD) continue;
    if (field.startsWith(DEPTH_BID_FIELD)) bids.push([field.slice(1), quantity]);
    else if (field.startsWith(DEPTH_ASK_FIELD)) asks.push([field.slice(1), quantity]);
  }
  bids.sort((x, y) => compareDecimal(y[0], x[0]));
  asks.sort((x, y) => compareDecimal(x[0], y[0]));
  return {
    market,
    seq: Number(hash[SEQ_FIELD] ?? 0),
    lastUpdateId: Number(hash[LAST_UPDATE_ID_FIELD] ?? 0),
    bids,
    asks,
  };
}

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

/** The field of a read-model hash that holds the sequence the hash reflects. */
export const SEQ_FIELD = 'seq';

/**
 * One asset's value in `balances:{accountId}` (the field's name is the asset):
 * `[available,locked]` in the asset's minor units (integers below 2^53, as the engine
 * keeps them).
 */
export function balanceField(available: number, locked: number): string {
  return `[${available},${locked}]`;
}

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
      const [available, locked] = JSON.parse(field) as [number, number];
      return {
        asset: symbol,
        available: formatUnits(available, decimals),
        locked: formatUnits(locked, decimals),
      };
    }),
  };
}

/** An {@link OpenOrder}'s values in `orders:{accountId}`, in this order (id and account are the field and key). */
type OpenOrderTuple = [
  market: string,
  clientOrderId: OpenOrder['clientOrderId'],
  side: OpenOrder['side'],
  orderType: OpenOrder['orderType'],
  timeInForce: OpenOrder['timeInForce'],
  postOnly: boolean,
  selfTradePrevention: OpenOrder['selfTradePrevention'],
  price: string | null,
  quantity: string | null,
  quoteQuantity: string | null,
  filledQuantity: string,
  filledQuote: string,
  status: OpenOrder['status'],
  reason: OpenOrder['reason'],
  createdAt: number,
  // Stop terms and list; absent in values written before stop orders existed.
  stopPrice?: string | null,
  trailingDelta?: number,
  workingTime?: number,
  orderListId?: number,
  listClientOrderId?: string | null,
];

/** A resting order's value in `orders:{accountId}` (the field's name is its id): a JSON array. */
export function openOrderField(order: OpenOrder): string {
  const tuple: OpenOrderTuple = [
    order.market,
    order.clientOrderId,
    order.side,
    order.orderType,
    order.timeInForce,
    order.postOnly,
    order.selfTradePrevention,
    order.price,
    order.quantity,
    order.quoteQuantity,
    order.filledQuantity,
    order.filledQuote,
    order.status,
    order.reason,
    order.createdAt,
    order.stopPrice ?? null,
    order.trailingDelta ?? 0,
    order.workingTime ?? order.createdAt,
    order.orderListId ?? -1,
    order.listClientOrderId ?? null,
  ];
  // The stop and list terms the reader defaults are left out from the end: a plain order
  // (most of them) is written as before they existed, about 30 bytes shorter.
  const defaults: readonly unknown[] = [null, 0, order.createdAt, -1, null];
  const first = tuple.length - defaults.length;
  let length = tuple.length;
  while (length > first && tuple[length - 1] === defaults[length - 1 - first]) length--;
  tuple.length = length;
  return JSON.stringify(tuple);
}

/** The {@link OpenOrder} an `orders:{accountId}` field holds, keys in the schema's order. */
function openOrderOf(accountId: string, orderId: number, json: string): OpenOrder {
  const [
    market,
    clientOrderId,
    side,
    orderType,
    timeInForce,
    postOnly,
    selfTradePrevention,
    price,
    quantity,
    quoteQuantity,
    filledQuantity,
    filledQuote,
    status,
    reason,
    createdAt,
    stopPrice = null,
    trailingDelta = 0,
    workingTime = createdAt,
    orderListId = -1,
    listClientOrderId = null,
  ] = JSON.parse(json) as OpenOrderTuple;
  return {
    market,
    orderId,
    accountId,
    clientOrderId,
    side,
    orderType,
    timeInForce,
    postOnly,
    selfTradePrevention,
    price,
    quantity,
    quoteQuantity,
    filledQuantity,
    filledQuote,
    status,
    reason,
    createdAt,
    stopPrice,
    trailingDelta,
    workingTime,
    orderListId,
    listClientOrderId,
  };
}

/**
 * `orders:{accountId}` (as `HGETALL` returns it: field = order id, value =
 * {@link openOrderField}) as the API shows it: oldest first, that is by order id,
 * which the engine hands out in placement order.
 */
export function openOrdersReadModelOf(
  accountId: string,
  hash: Readonly<Record<string, string>>,
): OpenOrdersReadModel {
  const orders: OpenOrder[] = [];
  for (const [field, json] of Object.entries(hash)) {
    if (field !== SEQ_FIELD) orders.push(openOrderOf(accountId, Number(field), json));
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

/** {@link BookTickerReadModel}'s keys after `market`, in order: the positions of {@link bookTickerJson}. */
const BOOK_TICKER_KEYS = ['seq', 'updateId', 'bidPrice', 'bidQty', 'askPrice', 'askQty'] as const;

/** `bookTicker:{market}` and its `md:bookTicker@{market}` message: the model's values after `market`, as a JSON array. */
export function bookTickerJson(model: BookTickerReadModel): string {
  return JSON.stringify(BOOK_TICKER_KEYS.map((key) => model[key]));
}

/** The {@link BookTickerReadModel} that {@link bookTickerJson} wrote, keys in the schema's order. */
export function bookTickerReadModelOf(market: string, json: string): BookTickerReadModel {
  return modelOf(market, BOOK_TICKER_KEYS, json) as BookTickerReadModel;
}

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

/** {@link TickerReadModel}'s keys after `market`, in order: the positions of {@link tickerJson}. */
const TICKER_KEYS = [
  'seq',
  'openTime',
  'closeTime',
  'openPrice',
  'highPrice',
  'lowPrice',
  'lastPrice',
  'priceChange',
  'priceChangePercent',
  'volume',
  'quoteVolume',
  'count',
  'firstTradeId',
  'lastTradeId',
] as const;

/** `ticker:{market}` and its `md:ticker@{market}` message: the model's values after `market`, as a JSON array. */
export function tickerJson(model: TickerReadModel): string {
  return JSON.stringify(TICKER_KEYS.map((key) => model[key]));
}

/** The {@link TickerReadModel} that {@link tickerJson} wrote, keys in the schema's order. */
export function tickerReadModelOf(market: string, json: string): TickerReadModel {
  return modelOf(market, TICKER_KEYS, json) as TickerReadModel;
}

/** `{ market, [keys[i]]: values[i] … }` from a positional JSON array. */
function modelOf(market: string, keys: readonly string[], json: string): Record<string, unknown> {
  const values = JSON.parse(json) as unknown[];
  const model: Record<string, unknown> = { market };
  keys.forEach((key, i) => {
    model[key] = values[i];
  });
  return model;
}

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

/** One fill in a `md:trades@{market}` message; the market is the channel's. */
type PublicTradeTuple = [
  seq: number,
  time: number,
  tradeId: number,
  price: string,
  quantity: string,
  quoteQuantity: string,
  takerSide: PublicTrade['takerSide'],
];

/**
 * A `md:trades@{market}` message: one batch's fills in the market, in order, as a
 * JSON array of positional arrays (a third of the size of the {@link PublicTrade}s).
 */
export function publicTradesJson(trades: readonly PublicTrade[]): string {
  return JSON.stringify(
    trades.map(
      (t): PublicTradeTuple => [t.seq, t.time, t.tradeId, t.price, t.quantity, t.quoteQuantity, t.takerSide],
    ),
  );
}

/** The {@link PublicTrade}s of a `md:trades@{market}` message, keys in the schema's order. */
export function publicTradesOf(market: string, json: string): PublicTrade[] {
  return (JSON.parse(json) as PublicTradeTuple[]).map(
    ([seq, time, tradeId, price, quantity, quoteQuantity, takerSide]) => ({
      type: 'TRADE',
      seq,
      time,
      market,
      tradeId,
      price,
      quantity,
      quoteQuantity,
      takerSide,
    }),
  );
}

/**
 * A `md:depth@{market}` message: the `DEPTH` events of one batch in one market merged,
 * each changed level once at its newest quantity (`"0"`: gone), spanning update ids
 * `firstUpdateId`..`lastUpdateId` with none left out, so consecutive messages chain
 * (`firstUpdateId` = the previous `lastUpdateId` + 1). `seq` and `time` are the last
 * change's. Levels in no particular order.
 */
export const depthDiffSchema = z.object({
  firstUpdateId: z.number().int().positive(),
  lastUpdateId: z.number().int().positive(),
  seq: z.number().int().positive(),
  time: z.number().int().nonnegative(),
  bids: z.array(level),
  asks: z.array(level),
});
export type DepthDiff = z.infer<typeof depthDiffSchema>;

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
