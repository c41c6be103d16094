/**
 * The 24 h ticker from the database, for when the engine's Redis read model
 * (`ticker:{market}`) is missing: the same window and fields as the engine's
 * `RollingTicker` — the 1440 whole minutes ending with the current one — read from
 * the 1-minute candles, never from raw trades.
 */
import {
  formatUnits,
  KLINE_INTERVAL_MS,
  klineOpenTime,
  type MarketRegistry,
  parseUnits,
  TICKER_WINDOW_MINUTES,
  type TickerReadModel,
} from '@exchange/protocol';
import { database } from '../db/pool.js';
import { marketRegistry } from '../markets.js';
import type { Queryable } from './queryable.js';

interface WindowRow {
  open: string | null;
  high: string | null;
  low: string | null;
  volume: string | null;
  quote_volume: string | null;
  trade_count: string | null;
  first_trade_id: string | null;
  last_trade_id: string | null;
}

interface LastRow {
  close: string;
  last_trade_id: string;
  seq: string | null;
}

/**
 * @param now the window's end (ms); the current time by default
 * @returns the ticker, or undefined for a market the registry does not know
 * @example const ticker = await ticker24h('SOL_USDC');
 */
export function ticker24h(
  market: string,
  now: number = Date.now(),
  db: Queryable = database(),
  registry: MarketRegistry = marketRegistry(),
): Promise<TickerReadModel | undefined> {
  return tickerOverWindow(market, TICKER_WINDOW_MINUTES, now, db, registry);
}

/**
 * The same ticker over the `minutes` whole minutes ending with the current one
 * (Binance's rolling window `GET /api/v3/ticker?windowSize=`).
 */
export async function tickerOverWindow(
  market: string,
  minutes: number,
  now: number = Date.now(),
  db: Queryable = database(),
  registry: MarketRegistry = marketRegistry(),
): Promise<TickerReadModel | undefined> {
  const m = registry.market(market);
  if (m === undefined) return undefined;
  const openTime = klineOpenTime('1m', now) - (minutes - 1) * KLINE_INTERVAL_MS['1m'];
  const [window, last] = await Promise.all([
    db.query<WindowRow>({
      name: 'history.ticker-window',
      text: `SELECT (min(ARRAY[first_trade_id::numeric, open]))[2]::text AS open, max(high)::text AS high,
          min(low)::text AS low, sum(volume)::text AS volume, sum(quote_volume)::text AS quote_volume,
          sum(trade_count) AS trade_count, min(first_trade_id) AS first_trade_id,
          max(last_trade_id) AS last_trade_id
        FROM klines WHERE market = $1 AND interval = '1m' AND bucket >= $2 AND bucket <= $3`,
      values: [market, new Date(openTime), new Date(now)],
    }),
    // The last price ever, even older than the window; seq from that trade (a key lookup).
    db.query<LastRow>({
      name: 'history.ticker-last',
      text: `SELECT k.close::text AS close, k.last_trade_id,
          (SELECT t.seq FROM trades t WHERE t.market = $1 AND t.trade_id = k.last_trade_id LIMIT 1) AS seq
        FROM klines k WHERE k.market = $1 AND k.interval = '1m' AND k.bucket <= $2
        ORDER BY k.bucket DESC LIMIT 1`,
      values: [market, new Date(now)],
    }),
  ]);
  const w = window.rows[0];
  const l = last.rows[0];
  const open = w?.open ?? null;
  const lastPrice = l?.close ?? null;
  const tick = m.tick.decimals;
  const change =
    open === null || lastPrice === null
      ? null
      : BigInt(parseUnits(lastPrice, tick)) - BigInt(parseUnits(open, tick));
  return {
    market,
    seq: l?.seq == null ? 0 : Number(l.seq),
    openTime,
    closeTime: now,
    openPrice: open,
    highPrice: w?.high ?? null,
    lowPrice: w?.low ?? null,
    lastPrice,
    priceChange: change === null ? null : formatUnits(change, tick),
    priceChangePercent:
      change === null || open === null
        ? null
        : formatUnits(percentMilli(change, BigInt(parseUnits(open, tick))), 3),
    volume: w?.volume ?? formatUnits(0, m.step.decimals),
    quoteVolume: w?.quote_volume ?? formatUnits(0, m.quote.decimals),
    count: Number(w?.trade_count ?? 0),
    firstTradeId: w?.first_trade_id == null ? null : Number(w.first_trade_id),
    lastTradeId: w?.last_trade_id == null ? null : Number(w.last_trade_id),
  };
}

/** `change / open × 100` in thousandths, rounded half away from zero, exactly (as the engine's ticker). */
function percentMilli(change: bigint, open: bigint): bigint {
  const numerator = change * 100_000n;
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * magnitude + open) / (2n * open);
  return numerator < 0n ? -rounded : rounded;
}
