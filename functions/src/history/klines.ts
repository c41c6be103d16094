/**
 * Candles of one market and interval, from the `klines` rollup (a table kept by the
 * trades trigger, or TimescaleDB's continuous aggregates): never a scan of trades.
 */

import { KLINE_INTERVAL_MS, type Kline, type KlineInterval } from '@exchange/protocol';
import { database } from '../db/pool.js';
import type { Queryable } from './queryable.js';

export interface KlineQuery {
  /** Candles opening at or after this time (ms). Without it, the newest candles. */
  readonly startTime?: number;
  /** Candles opening at or before this time (ms). */
  readonly endTime?: number;
  /** 1–{@link MAX_KLINE_LIMIT}, default 500 (Binance's). */
  readonly limit?: number;
}

export const DEFAULT_KLINE_LIMIT = 500;
/** Above Binance's 1000 so that one call covers a day of 1m candles (1440); API edges clamp to their own. */
export const MAX_KLINE_LIMIT = 1_500;

interface KlineRow {
  open_time: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  quote_volume: string;
  taker_buy_volume: string;
  taker_buy_quote_volume: string;
  trade_count: string;
  first_trade_id: string;
  last_trade_id: string;
}

const COLUMNS = `(extract(epoch FROM bucket) * 1000)::bigint AS open_time, open::text, high::text, low::text,
  close::text, volume::text, quote_volume::text, taker_buy_volume::text, taker_buy_quote_volume::text,
  trade_count, first_trade_id, last_trade_id`;

/**
 * Candles in ascending open time, as Binance's `/api/v3/klines`: from `startTime` on
 * when given, else the newest `limit` up to `endTime` (or now).
 *
 * @example
 * const candles = await klines('SOL_USDC', '1m', { startTime: Date.now() - 86_400_000, limit: 1000 });
 * res.json(candles.map(toBinanceKline));
 */
export async function klines(
  market: string,
  interval: KlineInterval,
  query: KlineQuery = {},
  db: Queryable = database(),
): Promise<Kline[]> {
  const newest = query.startTime === undefined;
  // Only the bounds given, so that each is an index condition on (market, interval, bucket).
  const values: unknown[] = [market, interval, clampLimit(query.limit)];
  let bounds = '';
  if (query.startTime !== undefined) {
    values.push(new Date(query.startTime));
    bounds += ` AND bucket >= $${values.length}`;
  }
  if (query.endTime !== undefined) {
    values.push(new Date(query.endTime));
    bounds += ` AND bucket <= $${values.length}`;
  }
  const { rows } = await db.query<KlineRow>({
    name: `history.klines${newest ? '-newest' : '-from'}${query.endTime === undefined ? '' : '-to'}`,
    text: `SELECT ${COLUMNS} FROM klines WHERE market = $1 AND interval = $2${bounds}
      ORDER BY bucket ${newest ? 'DESC' : 'ASC'} LIMIT $3`,
    values,
  });
  const candles = rows.map((row) => toKline(row, KLINE_INTERVAL_MS[interval]));
  return newest ? candles.reverse() : candles;
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_KLINE_LIMIT;
  return Math.min(Math.max(Math.trunc(limit), 1), MAX_KLINE_LIMIT);
}

function toKline(row: KlineRow, widthMs: number): Kline {
  const openTime = Number(row.open_time);
  return {
    openTime,
    closeTime: openTime + widthMs - 1,
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    volume: row.volume,
    quoteVolume: row.quote_volume,
    takerBuyVolume: row.taker_buy_volume,
    takerBuyQuoteVolume: row.taker_buy_quote_volume,
    trades: Number(row.trade_count),
    firstTradeId: Number(row.first_trade_id),
    lastTradeId: Number(row.last_trade_id),
  };
}

/**
 * Binance's kline array: open time, open, high, low, close, volume, close time,
 * quote volume, trades, taker buy base volume, taker buy quote volume, ignore.
 */
export type BinanceKline = [
  openTime: number,
  open: string,
  high: string,
  low: string,
  close: string,
  volume: string,
  closeTime: number,
  quoteVolume: string,
  trades: number,
  takerBuyBaseVolume: string,
  takerBuyQuoteVolume: string,
  ignore: string,
];

export function toBinanceKline(k: Kline): BinanceKline {
  return [
    k.openTime,
    k.open,
    k.high,
    k.low,
    k.close,
    k.volume,
    k.closeTime,
    k.quoteVolume,
    k.trades,
    k.takerBuyVolume,
    k.takerBuyQuoteVolume,
    '0',
  ];
}

/** The native face's `KLine`: every field a string, `start`/`end` as ISO times. */
export interface NativeKline {
  readonly start: string;
  readonly end: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  readonly quoteVolume: string;
  readonly trades: string;
}

export function toNativeKline(k: Kline): NativeKline {
  return {
    start: new Date(k.openTime).toISOString(),
    end: new Date(k.closeTime + 1).toISOString(),
    open: k.open,
    high: k.high,
    low: k.low,
    close: k.close,
    volume: k.volume,
    quoteVolume: k.quoteVolume,
    trades: String(k.trades),
  };
}
