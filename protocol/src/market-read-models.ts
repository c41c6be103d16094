/**
 * What a market's Redis read models hold: `depth:{market}` (a hash), `bookTicker:{market}`
 * and `ticker:{market}` (string keys), and how each becomes the API's view. The names are
 * in `redis-keys.ts`; the engine writes these, the API reads them.
 *
 * Ticker and book ticker are plain string keys (one `GET`, read with
 * {@link tickerReadModelOf} and {@link bookTickerReadModelOf}), each written together
 * with its publication on `md:ticker@{market}` / `md:bookTicker@{market}` and holding
 * the same text, the book ticker only when the best bid or ask moved (its `seq` and
 * `updateId` then say since when it holds). Their values are positional JSON arrays that
 * leave out what the key already says. Depth is a hash, so a batch writes only the levels
 * it changed, in the same `MULTI` as the rest of the batch: read whole with one `HGETALL`
 * and turned into the API's view by {@link depthReadModelOf}.
 */
import { z } from 'zod';
import { compareDecimal } from './decimal-arithmetic.js';
import { wireDecimalSchema as decimal, wireLevelSchema as level } from './events.js';
import { SEQ_FIELD, readModelSeqSchema as seq } from './read-model-seq.js';

/** Levels per side kept in `depth:{market}`: Binance's default `/depth` limit. */
export const DEPTH_READ_MODEL_LEVELS = 100;

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
