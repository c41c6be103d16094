/**
 * Candle intervals and where their buckets start, pure. Mirrors the `kline_intervals`
 * table of the migrations (a test holds the two equal).
 */

/** The intervals served, in Binance's names, shortest first. */
export const KLINE_INTERVALS = ['1m', '5m', '15m', '1h', '4h', '1d', '1w'] as const;
export type KlineInterval = (typeof KLINE_INTERVALS)[number];

const MINUTE_MS = 60_000;

/** Width of each interval's candles, in milliseconds. */
export const KLINE_INTERVAL_MS: Readonly<Record<KlineInterval, number>> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '4h': 240 * MINUTE_MS,
  '1d': 1_440 * MINUTE_MS,
  '1w': 10_080 * MINUTE_MS,
};

/**
 * The rolling 24 h ticker's window in whole minutes (1-minute candles): the engine's
 * `RollingTicker` and the API's fallback from the candles both read it here.
 */
export const TICKER_WINDOW_MINUTES = 1_440;

/**
 * Buckets start at whole multiples of their width from Monday 2000-01-03 00:00 UTC
 * (TimescaleDB's `time_bucket` origin): days at UTC midnight, weeks on Monday.
 */
export const KLINE_ORIGIN_MS = Date.UTC(2000, 0, 3);

export function isKlineInterval(value: string): value is KlineInterval {
  return (KLINE_INTERVALS as readonly string[]).includes(value);
}

/**
 * Open time of the candle of `interval` holding the instant `time` (ms).
 * @example klineOpenTime('1w', Date.UTC(2024, 0, 4, 15)) === Date.UTC(2024, 0, 1) // a Monday
 */
export function klineOpenTime(interval: KlineInterval, time: number): number {
  const width = KLINE_INTERVAL_MS[interval];
  return Math.floor((time - KLINE_ORIGIN_MS) / width) * width + KLINE_ORIGIN_MS;
}

/**
 * One candle; amounts are exact decimal strings in the market's scales. The REST API
 * serves it from the `klines` table; the fan-out builds the live one from trades.
 */
export interface Kline {
  /** Start of the bucket (ms). */
  readonly openTime: number;
  /** Last millisecond of the bucket, as Binance gives it. */
  readonly closeTime: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  /** Base traded. */
  readonly volume: string;
  /** Quote traded. */
  readonly quoteVolume: string;
  /** Base bought by takers. */
  readonly takerBuyVolume: string;
  /** Quote spent by buying takers. */
  readonly takerBuyQuoteVolume: string;
  readonly trades: number;
  readonly firstTradeId: number;
  readonly lastTradeId: number;
}
