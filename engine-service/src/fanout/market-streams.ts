/**
 * The names of every stream a market feeds, native (`trades@SOL_USDC`) and Binance's
 * (`solusdc@trade`, `solusdc@depth5@100ms`, …), built once per market so routing a
 * message never formats a name.
 */
import {
  binanceSymbol,
  KLINE_INTERVALS,
  type KlineInterval,
  type Market,
  PARTIAL_DEPTH_LEVELS,
  type PartialDepthLevels,
} from '@exchange/protocol';

/** A market's stream names: native ones first, then Binance's (`b…`). */
export interface MarketStreams {
  readonly trades: string;
  readonly depth: string;
  readonly ticker: string;
  readonly bookTicker: string;
  readonly kline: Readonly<Record<KlineInterval, string>>;
  readonly bTrade: string;
  readonly bDepthFast: string;
  readonly bDepthSlow: string;
  readonly bTicker: string;
  readonly bBookTicker: string;
  readonly bKline: Readonly<Record<KlineInterval, string>>;
  readonly bMiniTicker: string;
  readonly bAvgPrice: string;
  /** `<symbol>@depth<levels>` (slow) and `@depth<levels>@100ms` (fast). */
  readonly bPartial: Readonly<Record<'fast' | 'slow', ReadonlyMap<PartialDepthLevels, string>>>;
}

/** The stream names of `market`. */
export function marketStreams(market: Market): MarketStreams {
  const symbol = binanceSymbol(market.symbol).toLowerCase();
  const perInterval = (name: (i: KlineInterval) => string) =>
    Object.fromEntries(KLINE_INTERVALS.map((i) => [i, name(i)])) as Record<KlineInterval, string>;
  return {
    trades: `trades@${market.symbol}`,
    depth: `depth@${market.symbol}`,
    ticker: `ticker@${market.symbol}`,
    bookTicker: `bookTicker@${market.symbol}`,
    kline: perInterval((i) => `kline@${market.symbol}_${i}`),
    bTrade: `${symbol}@trade`,
    bDepthFast: `${symbol}@depth@100ms`,
    bDepthSlow: `${symbol}@depth`,
    bTicker: `${symbol}@ticker`,
    bBookTicker: `${symbol}@bookTicker`,
    bKline: perInterval((i) => `${symbol}@kline_${i}`),
    bMiniTicker: `${symbol}@miniTicker`,
    bAvgPrice: `${symbol}@avgPrice`,
    bPartial: {
      fast: new Map(PARTIAL_DEPTH_LEVELS.map((n) => [n, `${symbol}@depth${n}@100ms`])),
      slow: new Map(PARTIAL_DEPTH_LEVELS.map((n) => [n, `${symbol}@depth${n}`])),
    },
  };
}
